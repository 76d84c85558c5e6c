using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
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
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    room_type = table.Column<string>(type: "TEXT", nullable: true),
                    name = table.Column<string>(type: "TEXT", nullable: true),
                    topic = table.Column<string>(type: "TEXT", nullable: true),
                    canonical_alias = table.Column<string>(type: "TEXT", nullable: true),
                    avatar_url = table.Column<string>(type: "TEXT", nullable: true),
                    join_rule = table.Column<string>(type: "TEXT", nullable: true),
                    history_visibility = table.Column<string>(type: "TEXT", nullable: true),
                    guest_access = table.Column<string>(type: "TEXT", nullable: true),
                    encrypted = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_summaries", x => x.room_id);
                });

            migrationBuilder.CreateTable(
                name: "user_directory",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: true),
                    avatar_url = table.Column<string>(type: "TEXT", nullable: true),
                    search_key = table.Column<string>(type: "TEXT", nullable: false)
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
