using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PartialEventIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_events_redacts",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_relates_to_id_rel_type_depth_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_rel_type_relates_to_id_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_thread_id_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_state_key_type_stream_ordering",
                table: "events");

            migrationBuilder.CreateIndex(
                name: "IX_events_redacts",
                table: "events",
                column: "redacts",
                filter: "redacts IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_events_relates_to_id_rel_type_depth_stream_ordering",
                table: "events",
                columns: new[] { "relates_to_id", "rel_type", "depth", "stream_ordering" },
                filter: "relates_to_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_rel_type_relates_to_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "rel_type", "relates_to_id", "stream_ordering" },
                filter: "rel_type IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_thread_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "thread_id", "stream_ordering" },
                filter: "thread_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_events_state_key_type_stream_ordering",
                table: "events",
                columns: new[] { "state_key", "type", "stream_ordering" },
                filter: "state_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_events_redacts",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_relates_to_id_rel_type_depth_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_rel_type_relates_to_id_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_room_id_thread_id_stream_ordering",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_state_key_type_stream_ordering",
                table: "events");

            migrationBuilder.CreateIndex(
                name: "IX_events_redacts",
                table: "events",
                column: "redacts");

            migrationBuilder.CreateIndex(
                name: "IX_events_relates_to_id_rel_type_depth_stream_ordering",
                table: "events",
                columns: new[] { "relates_to_id", "rel_type", "depth", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_rel_type_relates_to_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "rel_type", "relates_to_id", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_room_id_thread_id_stream_ordering",
                table: "events",
                columns: new[] { "room_id", "thread_id", "stream_ordering" });

            migrationBuilder.CreateIndex(
                name: "IX_events_state_key_type_stream_ordering",
                table: "events",
                columns: new[] { "state_key", "type", "stream_ordering" });
        }
    }
}
