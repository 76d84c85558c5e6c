using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RemoteMediaCache : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "remote_media_cache",
                columns: table => new
                {
                    origin = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    media_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    content_type = table.Column<string>(type: "TEXT", nullable: false),
                    upload_name = table.Column<string>(type: "TEXT", nullable: true),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    cached_ts = table.Column<long>(type: "INTEGER", nullable: false),
                    authenticated = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_remote_media_cache", x => new { x.origin, x.media_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_remote_media_cache_sha256",
                table: "remote_media_cache",
                column: "sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "remote_media_cache");
        }
    }
}
