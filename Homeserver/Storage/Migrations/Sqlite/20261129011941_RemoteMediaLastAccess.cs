using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RemoteMediaLastAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "last_access_ts",
                table: "remote_media_cache",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Media cached before this counts as last used when it was cached.
            migrationBuilder.Sql("UPDATE remote_media_cache SET last_access_ts = cached_ts;");

            migrationBuilder.CreateIndex(
                name: "IX_remote_media_cache_last_access_ts",
                table: "remote_media_cache",
                column: "last_access_ts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_remote_media_cache_last_access_ts",
                table: "remote_media_cache");

            migrationBuilder.DropColumn(
                name: "last_access_ts",
                table: "remote_media_cache");
        }
    }
}
