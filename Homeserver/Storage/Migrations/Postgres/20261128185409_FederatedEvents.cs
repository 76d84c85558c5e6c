using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FederatedEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "current_state_group",
                table: "rooms",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "kind",
                table: "events",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "rejection_reason",
                table: "events",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "current_state_group",
                table: "rooms");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "events");

            migrationBuilder.DropColumn(
                name: "rejection_reason",
                table: "events");
        }
    }
}
