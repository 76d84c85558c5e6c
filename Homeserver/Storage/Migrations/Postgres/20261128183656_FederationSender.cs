using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
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
                    destination = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    retry_at_ts = table.Column<long>(type: "bigint", nullable: false),
                    txn_counter = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_federation_destinations", x => x.destination);
                });

            migrationBuilder.CreateTable(
                name: "federation_fanout",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    position = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_federation_fanout", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "federation_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    destination = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    stream_ordering = table.Column<long>(type: "bigint", nullable: true),
                    edu_type = table.Column<string>(type: "text", nullable: true),
                    edu_json = table.Column<string>(type: "text", nullable: true),
                    txn_id = table.Column<string>(type: "text", nullable: true),
                    created_ts = table.Column<long>(type: "bigint", nullable: false)
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
