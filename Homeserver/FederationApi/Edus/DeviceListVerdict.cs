namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>The outcome of <see cref="DeviceListUpdate.Judge"/>.</summary>
public enum DeviceListVerdict
{
    Apply,
    Ignore,
    Resync,
}
