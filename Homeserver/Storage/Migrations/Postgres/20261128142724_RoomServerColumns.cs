using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
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
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddColumn<string>(
                name: "replaces_state",
                table: "events",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "filters",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    filter_id = table.Column<long>(type: "bigint", nullable: false),
                    json = table.Column<string>(type: "text", nullable: false)
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
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
        }
    }
}
