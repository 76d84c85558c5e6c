using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Push : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "event_push_actions",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    event_id = table.Column<string>(type: "text", nullable: false),
                    room_id = table.Column<string>(type: "text", nullable: false),
                    stream_ordering = table.Column<long>(type: "bigint", nullable: false),
                    thread_id = table.Column<string>(type: "text", nullable: true),
                    actions_json = table.Column<string>(type: "text", nullable: false),
                    highlight = table.Column<bool>(type: "boolean", nullable: false),
                    read = table.Column<bool>(type: "boolean", nullable: false),
                    ts = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_push_actions", x => new { x.user_id, x.event_id });
                });

            migrationBuilder.CreateTable(
                name: "push_rules",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    rule_id = table.Column<string>(type: "text", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    is_default = table.Column<bool>(type: "boolean", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: true),
                    actions_json = table.Column<string>(type: "text", nullable: true),
                    conditions_json = table.Column<string>(type: "text", nullable: true),
                    pattern = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_push_rules", x => new { x.user_id, x.kind, x.rule_id });
                });

            migrationBuilder.CreateTable(
                name: "push_rules_versions",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_push_rules_versions", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "pushers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    device_id = table.Column<string>(type: "text", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: false),
                    app_id = table.Column<string>(type: "text", nullable: false),
                    pushkey = table.Column<string>(type: "text", nullable: false),
                    app_display_name = table.Column<string>(type: "text", nullable: false),
                    device_display_name = table.Column<string>(type: "text", nullable: false),
                    profile_tag = table.Column<string>(type: "text", nullable: true),
                    lang = table.Column<string>(type: "text", nullable: false),
                    data_json = table.Column<string>(type: "text", nullable: false),
                    pushkey_ts = table.Column<long>(type: "bigint", nullable: false),
                    last_stream_ordering = table.Column<long>(type: "bigint", nullable: false),
                    failing_since_ts = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pushers", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_event_push_actions_user_id_room_id_read_stream_ordering",
                table: "event_push_actions",
                columns: new[] { "user_id", "room_id", "read", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_event_push_actions_user_id_stream_ordering",
                table: "event_push_actions",
                columns: new[] { "user_id", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_push_rules_versions_position",
                table: "push_rules_versions",
                column: "position");

            migrationBuilder.CreateIndex(
                name: "IX_pushers_app_id_pushkey_user_id",
                table: "pushers",
                columns: new[] { "app_id", "pushkey", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_pushers_user_id",
                table: "pushers",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "event_push_actions");

            migrationBuilder.DropTable(
                name: "push_rules");

            migrationBuilder.DropTable(
                name: "push_rules_versions");

            migrationBuilder.DropTable(
                name: "pushers");
        }
    }
}
