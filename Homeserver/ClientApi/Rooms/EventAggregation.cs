using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// What the server bundles for one parent event ("Aggregations of child events"): its most recent valid edit, its
/// thread (size, newest event, the viewer's part), and the ids of the events referencing it. Empty parts are null.
/// </summary>
public sealed record EventAggregation(EventRow? Edit, ThreadAggregation? Thread, IReadOnlyList<string>? References);

/// <summary>The <c>m.thread</c> aggregation before formatting: <c>count</c>, <c>latest_event</c>, <c>current_user_participated</c>.</summary>
public sealed record ThreadAggregation(int Count, EventRow Latest, bool CurrentUserParticipated);
