namespace Messenger.Homeserver.Auth;

/// <summary>One way through User-Interactive Authentication: stages to complete in order.</summary>
public sealed record UiaFlow(IReadOnlyList<string> Stages)
{
    public const string Dummy = "m.login.dummy";
    public const string Password = "m.login.password";
    public const string RegistrationToken = "m.login.registration_token";

    public UiaFlow(params string[] stages) : this((IReadOnlyList<string>)stages) { }

    /// <summary>Done when the completed stages start with this flow's stages, in order ("the flow's stages must be completed in order").</summary>
    public bool IsCompletedBy(IReadOnlyList<string> completed) =>
        completed.Count >= Stages.Count && Stages.Select((s, i) => completed[i] == s).All(x => x);
}
