using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messenger.Homeserver.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class E2eeKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cross_signing_keys",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    usage = table.Column<string>(type: "TEXT", nullable: false),
                    public_key = table.Column<string>(type: "TEXT", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cross_signing_keys", x => new { x.user_id, x.usage });
                });

            migrationBuilder.CreateTable(
                name: "device_keys",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    ed25519_key = table.Column<string>(type: "TEXT", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_keys", x => new { x.user_id, x.device_id });
                });

            migrationBuilder.CreateTable(
                name: "device_list_changes",
                columns: table => new
                {
                    position = table.Column<long>(type: "INTEGER", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_list_changes", x => new { x.position, x.user_id });
                });

            migrationBuilder.CreateTable(
                name: "fallback_keys",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    algorithm = table.Column<string>(type: "TEXT", nullable: false),
                    key_id = table.Column<string>(type: "TEXT", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    used = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_fallback_keys", x => new { x.user_id, x.device_id, x.algorithm });
                });

            migrationBuilder.CreateTable(
                name: "key_backup_sessions",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    session_id = table.Column<string>(type: "TEXT", nullable: false),
                    first_message_index = table.Column<long>(type: "INTEGER", nullable: false),
                    forwarded_count = table.Column<long>(type: "INTEGER", nullable: false),
                    is_verified = table.Column<bool>(type: "INTEGER", nullable: false),
                    session_data_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_key_backup_sessions", x => new { x.user_id, x.version, x.room_id, x.session_id });
                });

            migrationBuilder.CreateTable(
                name: "key_backup_versions",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    algorithm = table.Column<string>(type: "TEXT", nullable: false),
                    auth_data_json = table.Column<string>(type: "TEXT", nullable: false),
                    etag = table.Column<long>(type: "INTEGER", nullable: false),
                    deleted = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_key_backup_versions", x => new { x.user_id, x.version });
                });

            migrationBuilder.CreateTable(
                name: "key_signatures",
                columns: table => new
                {
                    target_user_id = table.Column<string>(type: "TEXT", nullable: false),
                    target_key_id = table.Column<string>(type: "TEXT", nullable: false),
                    signer_user_id = table.Column<string>(type: "TEXT", nullable: false),
                    signer_key_id = table.Column<string>(type: "TEXT", nullable: false),
                    signature = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_key_signatures", x => new { x.target_user_id, x.target_key_id, x.signer_user_id, x.signer_key_id });
                });

            migrationBuilder.CreateTable(
                name: "one_time_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    algorithm = table.Column<string>(type: "TEXT", nullable: false),
                    key_id = table.Column<string>(type: "TEXT", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_one_time_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "to_device_messages",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: false),
                    sender = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", nullable: false),
                    content_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_to_device_messages", x => new { x.user_id, x.device_id, x.position });
                });

            migrationBuilder.CreateTable(
                name: "to_device_txns",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    device_id = table.Column<string>(type: "TEXT", nullable: false),
                    txn_id = table.Column<string>(type: "TEXT", nullable: false),
                    created_ts = table.Column<long>(type: "INTEGER", nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_to_device_txns", x => new { x.user_id, x.device_id, x.txn_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_device_list_changes_user_id_position",
                table: "device_list_changes",
                columns: new[] { "user_id", "position" });

            migrationBuilder.CreateIndex(
                name: "IX_one_time_keys_user_id_device_id_algorithm_id",
                table: "one_time_keys",
                columns: new[] { "user_id", "device_id", "algorithm", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_one_time_keys_user_id_device_id_algorithm_key_id",
                table: "one_time_keys",
                columns: new[] { "user_id", "device_id", "algorithm", "key_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_to_device_messages_position",
                table: "to_device_messages",
                column: "position");

            migrationBuilder.CreateIndex(
                name: "IX_to_device_txns_position",
                table: "to_device_txns",
                column: "position");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cross_signing_keys");

            migrationBuilder.DropTable(
                name: "device_keys");

            migrationBuilder.DropTable(
                name: "device_list_changes");

            migrationBuilder.DropTable(
                name: "fallback_keys");

            migrationBuilder.DropTable(
                name: "key_backup_sessions");

            migrationBuilder.DropTable(
                name: "key_backup_versions");

            migrationBuilder.DropTable(
                name: "key_signatures");

            migrationBuilder.DropTable(
                name: "one_time_keys");

            migrationBuilder.DropTable(
                name: "to_device_messages");

            migrationBuilder.DropTable(
                name: "to_device_txns");
        }
    }
}
