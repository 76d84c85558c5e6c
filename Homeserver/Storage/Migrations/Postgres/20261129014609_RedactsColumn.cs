using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RedactsColumn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "redacts",
                table: "events",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_events_redacts",
                table: "events",
                column: "redacts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_events_redacts",
                table: "events");

            migrationBuilder.DropColumn(
                name: "redacts",
                table: "events");
        }
    }
}
