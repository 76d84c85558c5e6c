using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FederatedDeviceLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "device_id",
                table: "device_list_changes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "device_list_fanout",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_list_fanout", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "remote_device_lists",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    stream_id = table.Column<long>(type: "INTEGER", nullable: false),
                    master_key_json = table.Column<string>(type: "TEXT", nullable: true),
                    self_signing_key_json = table.Column<string>(type: "TEXT", nullable: true),
                    stale = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_remote_device_lists", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "remote_devices",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    keys_json = table.Column<string>(type: "TEXT", nullable: true),
                    display_name = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_remote_devices", x => new { x.user_id, x.device_id });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "device_list_fanout");

            migrationBuilder.DropTable(
                name: "remote_device_lists");

            migrationBuilder.DropTable(
                name: "remote_devices");

            migrationBuilder.DropColumn(
                name: "device_id",
                table: "device_list_changes");
        }
    }
}
