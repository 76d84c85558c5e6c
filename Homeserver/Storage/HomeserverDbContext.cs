using System.Text;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// The one EF Core model of the homeserver. Each provider has its own subclass only so that its migrations
/// live apart (<c>Migrations/Sqlite</c>, <c>Migrations/Postgres</c>); the model is the same.
/// Times are milliseconds since the Unix epoch (the spec's unit), so both providers store plain integers.
/// </summary>
public abstract class HomeserverDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<UserRow> Users => Set<UserRow>();
    public DbSet<ProfileRow> Profiles => Set<ProfileRow>();
    public DbSet<DeviceRow> Devices => Set<DeviceRow>();
    public DbSet<AccessTokenRow> AccessTokens => Set<AccessTokenRow>();
    public DbSet<RefreshTokenRow> RefreshTokens => Set<RefreshTokenRow>();
    public DbSet<UiaSessionRow> UiaSessions => Set<UiaSessionRow>();
    public DbSet<RegistrationTokenRow> RegistrationTokens => Set<RegistrationTokenRow>();
    public DbSet<MediaRow> Media => Set<MediaRow>();
    public DbSet<RemoteMediaRow> RemoteMedia => Set<RemoteMediaRow>();
    public DbSet<RoomRow> Rooms => Set<RoomRow>();
    public DbSet<EventRow> Events => Set<EventRow>();
    public DbSet<EventEdgeRow> EventEdges => Set<EventEdgeRow>();
    public DbSet<EventAuthEdgeRow> EventAuthEdges => Set<EventAuthEdgeRow>();
    public DbSet<StateGroupRow> StateGroups => Set<StateGroupRow>();
    public DbSet<StateGroupEntryRow> StateGroupEntries => Set<StateGroupEntryRow>();
    public DbSet<CurrentStateRow> CurrentState => Set<CurrentStateRow>();
    public DbSet<ForwardExtremityRow> ForwardExtremities => Set<ForwardExtremityRow>();
    public DbSet<EventTxnRow> EventTxns => Set<EventTxnRow>();
    public DbSet<FilterRow> Filters => Set<FilterRow>();
    public DbSet<RoomAliasRow> RoomAliases => Set<RoomAliasRow>();
    public DbSet<ForgottenRoomRow> ForgottenRooms => Set<ForgottenRoomRow>();
    public DbSet<RoomSummaryRow> RoomSummaries => Set<RoomSummaryRow>();
    public DbSet<UserDirectoryRow> UserDirectory => Set<UserDirectoryRow>();
    public DbSet<ReportRow> Reports => Set<ReportRow>();
    public DbSet<DeviceKeysRow> DeviceKeys => Set<DeviceKeysRow>();
    public DbSet<OneTimeKeyRow> OneTimeKeys => Set<OneTimeKeyRow>();
    public DbSet<FallbackKeyRow> FallbackKeys => Set<FallbackKeyRow>();
    public DbSet<CrossSigningKeyRow> CrossSigningKeys => Set<CrossSigningKeyRow>();
    public DbSet<KeySignatureRow> KeySignatures => Set<KeySignatureRow>();
    public DbSet<DeviceListChangeRow> DeviceListChanges => Set<DeviceListChangeRow>();
    public DbSet<RemoteDeviceListRow> RemoteDeviceLists => Set<RemoteDeviceListRow>();
    public DbSet<RemoteDeviceRow> RemoteDevices => Set<RemoteDeviceRow>();
    public DbSet<DeviceListFanoutRow> DeviceListFanout => Set<DeviceListFanoutRow>();
    public DbSet<ToDeviceMessageRow> ToDeviceMessages => Set<ToDeviceMessageRow>();
    public DbSet<ToDeviceTxnRow> ToDeviceTxns => Set<ToDeviceTxnRow>();
    public DbSet<DehydratedDeviceRow> DehydratedDevices => Set<DehydratedDeviceRow>();
    public DbSet<KeyBackupVersionRow> KeyBackupVersions => Set<KeyBackupVersionRow>();
    public DbSet<KeyBackupSessionRow> KeyBackupSessions => Set<KeyBackupSessionRow>();
    public DbSet<PushRuleRow> PushRules => Set<PushRuleRow>();
    public DbSet<PushRulesVersionRow> PushRulesVersions => Set<PushRulesVersionRow>();
    public DbSet<PushActionRow> PushActions => Set<PushActionRow>();
    public DbSet<PushSummaryRow> PushSummaries => Set<PushSummaryRow>();
    public DbSet<PusherRow> Pushers => Set<PusherRow>();
    public DbSet<AccountDataRow> AccountData => Set<AccountDataRow>();
    public DbSet<ReceiptRow> Receipts => Set<ReceiptRow>();
    public DbSet<ServerKeyRow> ServerKeys => Set<ServerKeyRow>();
    public DbSet<FederationOutboxRow> FederationOutbox => Set<FederationOutboxRow>();
    public DbSet<FederationDestinationRow> FederationDestinations => Set<FederationDestinationRow>();
    public DbSet<OutOfBandMembershipRow> OutOfBandMemberships => Set<OutOfBandMembershipRow>();
    public DbSet<OpenIdTokenRow> OpenIdTokens => Set<OpenIdTokenRow>();

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction: its own, committed at the end, or the caller's if one is open,
    /// so that a request either commits completely or not at all.
    /// </summary>
    public async Task InTransactionAsync(Func<Task> work, CancellationToken ct)
    {
        if (Database.CurrentTransaction is not null)
        {
            await work();
            return;
        }
        await using var transaction = await Database.BeginTransactionAsync(ct);
        await work();
        await transaction.CommitAsync(ct);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<UserRow>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(255);
            e.Property(x => x.Localpart).HasMaxLength(255);
        });
        model.Entity<ProfileRow>(e =>
        {
            e.ToTable("profiles");
            e.HasKey(x => x.UserId);
        });
        model.Entity<DeviceRow>(e =>
        {
            e.ToTable("devices");
            e.HasKey(x => new { x.UserId, x.DeviceId });
        });
        model.Entity<AccessTokenRow>(e =>
        {
            e.ToTable("access_tokens");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => new { x.UserId, x.DeviceId });
            e.HasOne(x => x.RefreshToken).WithMany().HasForeignKey(x => x.RefreshTokenId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<RefreshTokenRow>(e =>
        {
            e.ToTable("refresh_tokens");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => new { x.UserId, x.DeviceId });
            e.HasOne(x => x.Next).WithMany().HasForeignKey(x => x.NextTokenId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<UiaSessionRow>(e =>
        {
            e.ToTable("uia_sessions");
            e.HasKey(x => x.SessionId);
            e.HasIndex(x => x.RegistrationToken);
        });
        model.Entity<RegistrationTokenRow>(e =>
        {
            e.ToTable("registration_tokens");
            e.HasKey(x => x.Token);
        });
        model.Entity<MediaRow>(e =>
        {
            e.ToTable("media");
            e.HasKey(x => x.MediaId);
            e.Property(x => x.MediaId).HasMaxLength(64);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => new { x.UserId, x.UnusedExpiresTs });
            e.HasIndex(x => x.Sha256);
        });

        model.Entity<RemoteMediaRow>(e =>
        {
            e.ToTable("remote_media_cache");
            e.HasKey(x => new { x.Origin, x.MediaId });
            e.Property(x => x.Origin).HasMaxLength(255);
            e.Property(x => x.MediaId).HasMaxLength(255);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => x.Sha256);
            // Eviction walks the cache from the least recently used.
            e.HasIndex(x => x.LastAccessTs);
        });

        model.Entity<RoomRow>(e =>
        {
            e.ToTable("rooms");
            e.HasKey(x => x.RoomId);
        });
        model.Entity<EventRow>(e =>
        {
            e.ToTable("events");
            e.HasKey(x => x.EventId);
            e.HasIndex(x => x.StreamOrdering).IsUnique();
            e.HasIndex(x => new { x.RoomId, x.StreamOrdering });
            e.HasIndex(x => new { x.RoomId, x.Depth, x.StreamOrdering });
            // The indexes below are partial: a plain message (no state key, no relation, not in a thread, no redaction)
            // has no entry in them, so it is written into six B-trees instead of ten — SQLite's single writer does that
            // work for every room in turn. Queries on these columns compare them with values, which implies IS NOT NULL,
            // so both SQLite and PostgreSQL still use them.
            // Membership changes of a user since a stream position (sync: joined, invited, left rooms).
            e.HasIndex(x => new { x.StateKey, x.Type, x.StreamOrdering }).HasFilter("state_key IS NOT NULL");
            // Relations of a parent (relations API, bundled aggregations), threads of a room, events of a thread.
            e.HasIndex(x => new { x.RelatesToId, x.RelType, x.Depth, x.StreamOrdering }).HasFilter("relates_to_id IS NOT NULL");
            e.HasIndex(x => new { x.RoomId, x.RelType, x.RelatesToId, x.StreamOrdering }).HasFilter("rel_type IS NOT NULL");
            e.HasIndex(x => new { x.RoomId, x.ThreadId, x.StreamOrdering }).HasFilter("thread_id IS NOT NULL");
            // The event nearest a timestamp (timestamp_to_event).
            e.HasIndex(x => new { x.RoomId, x.OriginServerTs });
            // Redactions of an event that arrives after them (back-filled history).
            e.HasIndex(x => x.Redacts).HasFilter("redacts IS NOT NULL");
        });
        model.Entity<EventEdgeRow>(e =>
        {
            e.ToTable("event_edges");
            e.HasKey(x => new { x.EventId, x.PrevEventId });
            e.HasIndex(x => x.PrevEventId);
        });
        model.Entity<EventAuthEdgeRow>(e =>
        {
            e.ToTable("event_auth_edges");
            e.HasKey(x => new { x.EventId, x.AuthEventId });
        });
        model.Entity<StateGroupRow>(e =>
        {
            e.ToTable("state_groups");
            e.HasKey(x => x.Id);
            // The id is the stream position of the event that made the group: no second sequence to keep in step.
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        model.Entity<StateGroupEntryRow>(e =>
        {
            e.ToTable("state_group_entries");
            e.HasKey(x => new { x.GroupId, x.Type, x.StateKey });
        });
        model.Entity<CurrentStateRow>(e =>
        {
            e.ToTable("current_state");
            e.HasKey(x => new { x.RoomId, x.Type, x.StateKey });
            e.HasIndex(x => new { x.Type, x.StateKey, x.Membership });
        });
        model.Entity<OpenIdTokenRow>(e =>
        {
            e.ToTable("openid_tokens");
            e.HasKey(x => x.TokenHash);
            e.HasIndex(x => x.ExpiresTs);
        });
        model.Entity<OutOfBandMembershipRow>(e =>
        {
            e.ToTable("out_of_band_memberships");
            e.HasKey(x => new { x.RoomId, x.UserId });
            e.HasIndex(x => new { x.UserId, x.StreamOrdering });
        });
        model.Entity<ForwardExtremityRow>(e =>
        {
            e.ToTable("forward_extremities");
            e.HasKey(x => new { x.RoomId, x.EventId });
        });
        model.Entity<EventTxnRow>(e =>
        {
            e.ToTable("event_txns");
            e.HasKey(x => new { x.UserId, x.DeviceId, x.TxnId });
            e.HasIndex(x => x.EventId);
        });
        model.Entity<FederationOutboxRow>(e =>
        {
            e.ToTable("federation_outbox");
            e.HasKey(x => x.Id);
            e.Property(x => x.Destination).HasMaxLength(255);
            e.HasIndex(x => new { x.Destination, x.Id });
        });
        model.Entity<FederationDestinationRow>(e =>
        {
            e.ToTable("federation_destinations");
            e.HasKey(x => x.Destination);
            e.Property(x => x.Destination).HasMaxLength(255);
        });
        model.Entity<ServerKeyRow>(e =>
        {
            e.ToTable("server_keys");
            e.HasKey(x => new { x.ServerName, x.KeyId });
            e.Property(x => x.ServerName).HasMaxLength(255);
            e.Property(x => x.KeyId).HasMaxLength(255);
        });
        model.Entity<FilterRow>(e =>
        {
            e.ToTable("filters");
            e.HasKey(x => new { x.UserId, x.FilterId });
            e.Property(x => x.FilterId).ValueGeneratedNever();
        });
        model.Entity<RoomAliasRow>(e =>
        {
            e.ToTable("room_aliases");
            e.HasKey(x => x.Alias);
            // Aliases of a room (GET /rooms/{roomId}/aliases, moving them on upgrade).
            e.HasIndex(x => x.RoomId);
        });
        model.Entity<ForgottenRoomRow>(e =>
        {
            e.ToTable("forgotten_rooms");
            e.HasKey(x => new { x.UserId, x.RoomId });
        });
        ConfigureDirectories(model);
        ConfigureEndToEndKeys(model);
        ConfigurePush(model);
        ConfigureSocial(model);

        // snake_case columns, so the schema reads the same from psql and sqlite3 as the spec's field names.
        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties()) property.SetColumnName(ToSnakeCase(property.Name));
        }
    }

    /// <summary>The directories' tables: room summaries (published rooms, user directory, spaces), the user directory, reports.</summary>
    private static void ConfigureDirectories(ModelBuilder model)
    {
        model.Entity<RoomSummaryRow>(e =>
        {
            e.ToTable("room_summaries");
            e.HasKey(x => x.RoomId);
            // Rooms whose members the user directory shows to everyone (public join rule or world-readable history).
            e.HasIndex(x => x.JoinRule);
            e.HasIndex(x => x.HistoryVisibility);
        });
        model.Entity<UserDirectoryRow>(e =>
        {
            e.ToTable("user_directory");
            e.HasKey(x => x.UserId);
        });
        model.Entity<ReportRow>(e =>
        {
            e.ToTable("reports");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ReceivedTs);
        });
    }

    /// <summary>The end-to-end encryption tables: device, one-time, fallback and cross-signing keys, to-device messages, backups.</summary>
    private static void ConfigureEndToEndKeys(ModelBuilder model)
    {
        model.Entity<DeviceKeysRow>(e =>
        {
            e.ToTable("device_keys");
            e.HasKey(x => new { x.UserId, x.DeviceId });
        });
        model.Entity<OneTimeKeyRow>(e =>
        {
            e.ToTable("one_time_keys");
            e.HasKey(x => x.Id);
            // Claims take the oldest key of a device and algorithm; a key id is unique per device and algorithm.
            e.HasIndex(x => new { x.UserId, x.DeviceId, x.Algorithm, x.KeyId }).IsUnique();
            e.HasIndex(x => new { x.UserId, x.DeviceId, x.Algorithm, x.Id });
        });
        model.Entity<FallbackKeyRow>(e =>
        {
            e.ToTable("fallback_keys");
            e.HasKey(x => new { x.UserId, x.DeviceId, x.Algorithm });
        });
        model.Entity<CrossSigningKeyRow>(e =>
        {
            e.ToTable("cross_signing_keys");
            e.HasKey(x => new { x.UserId, x.Usage });
        });
        model.Entity<KeySignatureRow>(e =>
        {
            e.ToTable("key_signatures");
            e.HasKey(x => new { x.TargetUserId, x.TargetKeyId, x.SignerUserId, x.SignerKeyId });
        });
        model.Entity<DeviceListChangeRow>(e =>
        {
            e.ToTable("device_list_changes");
            e.HasKey(x => new { x.Position, x.UserId });
            e.Property(x => x.Position).ValueGeneratedNever();
            e.HasIndex(x => new { x.UserId, x.Position });
        });
        model.Entity<RemoteDeviceListRow>(e =>
        {
            e.ToTable("remote_device_lists");
            e.HasKey(x => x.UserId);
        });
        model.Entity<RemoteDeviceRow>(e =>
        {
            e.ToTable("remote_devices");
            e.HasKey(x => new { x.UserId, x.DeviceId });
        });
        model.Entity<DeviceListFanoutRow>(e =>
        {
            e.ToTable("device_list_fanout");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        model.Entity<ToDeviceMessageRow>(e =>
        {
            e.ToTable("to_device_messages");
            e.HasKey(x => new { x.UserId, x.DeviceId, x.Position });
            e.Property(x => x.Position).ValueGeneratedNever();
            // The highest position at start-up (the stream continues after it).
            e.HasIndex(x => x.Position);
        });
        model.Entity<DehydratedDeviceRow>(e =>
        {
            e.ToTable("dehydrated_devices");
            e.HasKey(x => x.UserId);
        });
        model.Entity<ToDeviceTxnRow>(e =>
        {
            e.ToTable("to_device_txns");
            e.HasKey(x => new { x.UserId, x.DeviceId, x.TxnId });
            e.HasIndex(x => x.Position);
        });
        model.Entity<KeyBackupVersionRow>(e =>
        {
            e.ToTable("key_backup_versions");
            e.HasKey(x => new { x.UserId, x.Version });
            e.Property(x => x.Version).ValueGeneratedNever();
        });
        model.Entity<KeyBackupSessionRow>(e =>
        {
            e.ToTable("key_backup_sessions");
            e.HasKey(x => new { x.UserId, x.Version, x.RoomId, x.SessionId });
        });
    }

    /// <summary>The push module's tables: push rules, notifications (push actions) and pushers.</summary>
    private static void ConfigurePush(ModelBuilder model)
    {
        model.Entity<PushRuleRow>(e =>
        {
            e.ToTable("push_rules");
            e.HasKey(x => new { x.UserId, x.Kind, x.RuleId });
        });
        model.Entity<PushRulesVersionRow>(e =>
        {
            e.ToTable("push_rules_versions");
            e.HasKey(x => x.UserId);
            // The highest position at start-up (the stream continues after it).
            e.HasIndex(x => x.Position);
        });
        model.Entity<PushActionRow>(e =>
        {
            e.ToTable("event_push_actions");
            // One event per stream position, so this is unique: GET /notifications (newest first, paged by stream
            // position) and pusher delivery (after a position) read it; no separate index on the event id.
            e.HasKey(x => new { x.UserId, x.StreamOrdering });
            // Recounting a thread's unread notifications after a receipt (event_push_summary).
            e.HasIndex(x => new { x.UserId, x.RoomId, x.ThreadId, x.StreamOrdering });
        });
        model.Entity<PushSummaryRow>(e =>
        {
            e.ToTable("event_push_summary");
            e.HasKey(x => new { x.UserId, x.RoomId, x.ThreadId });
        });
        model.Entity<PusherRow>(e =>
        {
            e.ToTable("pushers");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.AppId, x.Pushkey, x.UserId }).IsUnique();
            e.HasIndex(x => x.UserId);
        });
    }

    /// <summary>Per-user data about rooms and other users: account data (tags, read markers) and read receipts.</summary>
    private static void ConfigureSocial(ModelBuilder model)
    {
        model.Entity<AccountDataRow>(e =>
        {
            e.ToTable("account_data");
            e.HasKey(x => new { x.UserId, x.RoomId, x.Type });
            // What changed for a user since a sync token.
            e.HasIndex(x => new { x.UserId, x.Position });
            // The highest position at start-up (the stream continues after it).
            e.HasIndex(x => x.Position);
        });
        model.Entity<ReceiptRow>(e =>
        {
            e.ToTable("receipts");
            e.HasKey(x => new { x.RoomId, x.ReceiptType, x.UserId, x.ThreadId });
            // The receipts of rooms that changed since a sync token.
            e.HasIndex(x => new { x.RoomId, x.Position });
            e.HasIndex(x => x.Position);
        });
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
