using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
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
                type: "TEXT",
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }
    }
}
