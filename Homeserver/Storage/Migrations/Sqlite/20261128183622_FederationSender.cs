using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FederationSender : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "federation_destinations",
                columns: table => new
                {
                    destination = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    failures = table.Column<int>(type: "INTEGER", nullable: false),
                    retry_at_ts = table.Column<long>(type: "INTEGER", nullable: false),
                    txn_counter = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_federation_destinations", x => x.destination);
                });

            migrationBuilder.CreateTable(
                name: "federation_fanout",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_federation_fanout", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "federation_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    destination = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    stream_ordering = table.Column<long>(type: "INTEGER", nullable: true),
                    edu_type = table.Column<string>(type: "TEXT", nullable: true),
                    edu_json = table.Column<string>(type: "TEXT", nullable: true),
                    txn_id = table.Column<string>(type: "TEXT", nullable: true),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_federation_outbox", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_federation_outbox_destination_id",
                table: "federation_outbox",
                columns: new[] { "destination", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "federation_destinations");

            migrationBuilder.DropTable(
                name: "federation_fanout");

            migrationBuilder.DropTable(
                name: "federation_outbox");
        }
    }
}
