using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PushSummary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "event_push_summary",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    thread_id = table.Column<string>(type: "TEXT", nullable: false),
                    notification_count = table.Column<int>(type: "INTEGER", nullable: false),
                    highlight_count = table.Column<int>(type: "INTEGER", nullable: false),
                    read_up_to = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_push_summary", x => new { x.user_id, x.room_id, x.thread_id });
                });

            // Existing notifications → summary rows (before the read flag goes): per (user, room, thread) the unread and
            // highlighted ones not yet read, and the newest read one as the thread's mark.
            migrationBuilder.Sql(
                """
                INSERT INTO event_push_summary (user_id, room_id, thread_id, notification_count, highlight_count, read_up_to)
                SELECT user_id, room_id, COALESCE(thread_id, 'main'),
                       SUM(CASE WHEN "read" THEN 0 ELSE 1 END),
                       SUM(CASE WHEN "read" THEN 0 WHEN highlight THEN 1 ELSE 0 END),
                       COALESCE(MAX(CASE WHEN "read" THEN stream_ordering END), 0)
                FROM event_push_actions
                GROUP BY user_id, room_id, COALESCE(thread_id, 'main');
                """);

            migrationBuilder.DropPrimaryKey(
                name: "PK_event_push_actions",
                table: "event_push_actions");

            migrationBuilder.DropIndex(
                name: "IX_event_push_actions_user_id_room_id_read_stream_ordering",
                table: "event_push_actions");

            migrationBuilder.DropIndex(
                name: "IX_event_push_actions_user_id_stream_ordering",
                table: "event_push_actions");

            migrationBuilder.DropColumn(
                name: "read",
                table: "event_push_actions");

            migrationBuilder.AddPrimaryKey(
                name: "PK_event_push_actions",
                table: "event_push_actions",
                columns: new[] { "user_id", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_event_push_actions_user_id_room_id_thread_id_stream_ordering",
                table: "event_push_actions",
                columns: new[] { "user_id", "room_id", "thread_id", "stream_ordering" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "event_push_summary");

            migrationBuilder.DropPrimaryKey(
                name: "PK_event_push_actions",
                table: "event_push_actions");

            migrationBuilder.DropIndex(
                name: "IX_event_push_actions_user_id_room_id_thread_id_stream_ordering",
                table: "event_push_actions");

            migrationBuilder.AddColumn<bool>(
                name: "read",
                table: "event_push_actions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddPrimaryKey(
                name: "PK_event_push_actions",
                table: "event_push_actions",
                columns: new[] { "user_id", "event_id" });

            migrationBuilder.CreateIndex(
                name: "IX_event_push_actions_user_id_room_id_read_stream_ordering",
                table: "event_push_actions",
                columns: new[] { "user_id", "room_id", "read", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_event_push_actions_user_id_stream_ordering",
                table: "event_push_actions",
                columns: new[] { "user_id", "stream_ordering" });
        }
    }
}
