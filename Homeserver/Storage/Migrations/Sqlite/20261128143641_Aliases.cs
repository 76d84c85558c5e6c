using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Aliases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "forgotten_rooms",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    membership_event_id = table.Column<string>(type: "TEXT", nullable: false),
                    stream_ordering = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_forgotten_rooms", x => new { x.user_id, x.room_id });
                });

            migrationBuilder.CreateTable(
                name: "room_aliases",
                columns: table => new
                {
                    alias = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    creator = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_aliases", x => x.alias);
                });

            migrationBuilder.CreateIndex(
                name: "IX_room_aliases_room_id",
                table: "room_aliases",
                column: "room_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "forgotten_rooms");

            migrationBuilder.DropTable(
                name: "room_aliases");
        }
    }
}
