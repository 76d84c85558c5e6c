using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutOfBandMemberships : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "out_of_band_memberships",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", nullable: false),
                    membership = table.Column<string>(type: "TEXT", nullable: false),
                    room_version = table.Column<string>(type: "TEXT", nullable: false),
                    server = table.Column<string>(type: "TEXT", nullable: false),
                    stream_ordering = table.Column<long>(type: "INTEGER", nullable: false),
                    stripped_state = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_out_of_band_memberships", x => new { x.room_id, x.user_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_out_of_band_memberships_user_id_stream_ordering",
                table: "out_of_band_memberships",
                columns: new[] { "user_id", "stream_ordering" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "out_of_band_memberships");
        }
    }
}
