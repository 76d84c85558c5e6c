using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Hierarchy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "encrypted",
                table: "room_summaries");

            migrationBuilder.AddColumn<string>(
                name: "encryption",
                table: "room_summaries",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "encryption",
                table: "room_summaries");

            migrationBuilder.AddColumn<bool>(
                name: "encrypted",
                table: "room_summaries",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }
    }
}
