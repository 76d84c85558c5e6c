using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Rooms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "current_state",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", nullable: false),
                    state_key = table.Column<string>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", nullable: false),
                    membership = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_current_state", x => new { x.room_id, x.type, x.state_key });
                });

            migrationBuilder.CreateTable(
                name: "event_auth_edges",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "TEXT", nullable: false),
                    auth_event_id = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_auth_edges", x => new { x.event_id, x.auth_event_id });
                });

            migrationBuilder.CreateTable(
                name: "event_edges",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "TEXT", nullable: false),
                    prev_event_id = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_edges", x => new { x.event_id, x.prev_event_id });
                });

            migrationBuilder.CreateTable(
                name: "event_txns",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    txn_id = table.Column<string>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_txns", x => new { x.user_id, x.device_id, x.txn_id });
                });

            migrationBuilder.CreateTable(
                name: "events",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    stream_ordering = table.Column<long>(type: "INTEGER", nullable: false),
                    depth = table.Column<long>(type: "INTEGER", nullable: false),
                    type = table.Column<string>(type: "TEXT", nullable: false),
                    state_key = table.Column<string>(type: "TEXT", nullable: true),
                    sender = table.Column<string>(type: "TEXT", nullable: false),
                    origin_server_ts = table.Column<long>(type: "INTEGER", nullable: false),
                    membership = table.Column<string>(type: "TEXT", nullable: true),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    state_group_before = table.Column<long>(type: "INTEGER", nullable: false),
                    state_group_after = table.Column<long>(type: "INTEGER", nullable: false),
                    redacted_by = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_events", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "forward_extremities",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_forward_extremities", x => new { x.room_id, x.event_id });
                });

            migrationBuilder.CreateTable(
                name: "rooms",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    room_version = table.Column<string>(type: "TEXT", nullable: false),
                    creator = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false),
                    is_public = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rooms", x => x.room_id);
                });

            migrationBuilder.CreateTable(
                name: "state_group_entries",
                columns: table => new
                {
                    group_id = table.Column<long>(type: "INTEGER", nullable: false),
                    type = table.Column<string>(type: "TEXT", nullable: false),
                    state_key = table.Column<string>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_state_group_entries", x => new { x.group_id, x.type, x.state_key });
                });

            migrationBuilder.CreateTable(
                name: "state_groups",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    prev_group = table.Column<long>(type: "INTEGER", nullable: true),
                    chain_length = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_state_groups", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_current_state_type_state_key_membership",
                table: "current_state",
                columns: new[] { "type", "state_key", "membership" });

            migrationBuilder.CreateIndex(
                name: "IX_event_edges_prev_event_id",
                table: "event_edges",
                column: "prev_event_id");

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_depth_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "depth", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_state_key_type_stream_ordering",
                table: "events",
                columns: new[] { "state_key", "type", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_stream_ordering",
                table: "events",
                column: "stream_ordering",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "current_state");

            migrationBuilder.DropTable(
                name: "event_auth_edges");

            migrationBuilder.DropTable(
                name: "event_edges");

            migrationBuilder.DropTable(
                name: "event_txns");

            migrationBuilder.DropTable(
                name: "events");

            migrationBuilder.DropTable(
                name: "forward_extremities");

            migrationBuilder.DropTable(
                name: "rooms");

            migrationBuilder.DropTable(
                name: "state_group_entries");

            migrationBuilder.DropTable(
                name: "state_groups");
        }
    }
}
