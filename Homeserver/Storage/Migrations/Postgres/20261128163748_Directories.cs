using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Directories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "room_summaries",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "text", nullable: false),
                    room_type = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "text", nullable: true),
                    topic = table.Column<string>(type: "text", nullable: true),
                    canonical_alias = table.Column<string>(type: "text", nullable: true),
                    avatar_url = table.Column<string>(type: "text", nullable: true),
                    join_rule = table.Column<string>(type: "text", nullable: true),
                    history_visibility = table.Column<string>(type: "text", nullable: true),
                    guest_access = table.Column<string>(type: "text", nullable: true),
                    encrypted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_summaries", x => x.room_id);
                });

            migrationBuilder.CreateTable(
                name: "user_directory",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    avatar_url = table.Column<string>(type: "text", nullable: true),
                    search_key = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_directory", x => x.user_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_room_summaries_history_visibility",
                table: "room_summaries",
                column: "history_visibility");

            migrationBuilder.CreateIndex(
                name: "IX_room_summaries_join_rule",
                table: "room_summaries",
                column: "join_rule");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "room_summaries");

            migrationBuilder.DropTable(
                name: "user_directory");
        }
    }
}
