using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServerKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "server_keys",
                columns: table => new
                {
                    server_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    key_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    verify_key = table.Column<string>(type: "text", nullable: false),
                    valid_until_ts = table.Column<long>(type: "bigint", nullable: false),
                    expired_ts = table.Column<long>(type: "bigint", nullable: true),
                    fetched_ts = table.Column<long>(type: "bigint", nullable: false),
                    response_json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_server_keys", x => new { x.server_name, x.key_id });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "server_keys");
        }
    }
}
