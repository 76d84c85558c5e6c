using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoomServerColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "state_groups",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddColumn<string>(
                name: "replaces_state",
                table: "events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "filters",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    filter_id = table.Column<long>(type: "INTEGER", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_filters", x => new { x.user_id, x.filter_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_event_txns_event_id",
                table: "event_txns",
                column: "event_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "filters");

            migrationBuilder.DropIndex(
                name: "IX_event_txns_event_id",
                table: "event_txns");

            migrationBuilder.DropColumn(
                name: "replaces_state",
                table: "events");

            migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "state_groups",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);
        }
    }
}
