using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchReportsVoipMedia : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(EventSearchSchema.SqliteUp);

            migrationBuilder.AddColumn<bool>(
                name: "authenticated",
                table: "media",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "reports",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    reporter_user_id = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: true),
                    event_id = table.Column<string>(type: "TEXT", nullable: true),
                    target_user_id = table.Column<string>(type: "TEXT", nullable: true),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    score = table.Column<int>(type: "INTEGER", nullable: true),
                    received_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reports", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_reports_received_ts",
                table: "reports",
                column: "received_ts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(EventSearchSchema.SqliteDown);

            migrationBuilder.DropTable(
                name: "reports");

            migrationBuilder.DropColumn(
                name: "authenticated",
                table: "media");
        }
    }
}
