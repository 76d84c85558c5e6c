using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Social : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "account_data",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    room_id = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_data", x => new { x.user_id, x.room_id, x.type });
                });

            migrationBuilder.CreateTable(
                name: "receipts",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "text", nullable: false),
                    receipt_type = table.Column<string>(type: "text", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    thread_id = table.Column<string>(type: "text", nullable: false),
                    event_id = table.Column<string>(type: "text", nullable: false),
                    event_stream_ordering = table.Column<long>(type: "bigint", nullable: false),
                    ts = table.Column<long>(type: "bigint", nullable: false),
                    position = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_receipts", x => new { x.room_id, x.receipt_type, x.user_id, x.thread_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_account_data_position",
                table: "account_data",
                column: "position");

            migrationBuilder.CreateIndex(
                name: "IX_account_data_user_id_position",
                table: "account_data",
                columns: new[] { "user_id", "position" });

            migrationBuilder.CreateIndex(
                name: "IX_receipts_position",
                table: "receipts",
                column: "position");

            migrationBuilder.CreateIndex(
                name: "IX_receipts_room_id_position",
                table: "receipts",
                columns: new[] { "room_id", "position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_data");

            migrationBuilder.DropTable(
                name: "receipts");
        }
    }
}
