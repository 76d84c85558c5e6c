using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Relations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "rel_type",
                table: "events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "relates_to_id",
                table: "events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "thread_id",
                table: "events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_events_relates_to_id_rel_type_depth_stream_ordering",
                table: "events",
                columns: new[] { "relates_to_id", "rel_type", "depth", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_origin_server_ts",
                table: "events",
                columns: new[] { "room_id", "origin_server_ts" });

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_rel_type_relates_to_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "rel_type", "relates_to_id", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_thread_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "thread_id", "stream_ordering" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_events_relates_to_id_rel_type_depth_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_origin_server_ts",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_rel_type_relates_to_id_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_thread_id_stream_ordering",
                table: "events");

            migrationBuilder.DropColumn(
                name: "rel_type",
                table: "events");

            migrationBuilder.DropColumn(
                name: "relates_to_id",
                table: "events");

            migrationBuilder.DropColumn(
                name: "thread_id",
                table: "events");
        }
    }
}
