using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DehydratedDevices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dehydrated_devices",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_data_json = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dehydrated_devices", x => x.user_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dehydrated_devices");
        }
    }
}
