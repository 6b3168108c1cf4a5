using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ConversationTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ConversationTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Hourly = table.Column<bool>(type: "boolean", nullable: false),
                    Slot = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UserId = table.Column<long>(type: "bigint", nullable: true),
                    Channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OwnerId = table.Column<long>(type: "bigint", nullable: true),
                    TeamId = table.Column<long>(type: "bigint", nullable: true),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversationTallies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConversationTallies_Hourly_Slot_UserId_Channel_OwnerId_Team~",
                table: "ConversationTallies",
                columns: new[] { "Hourly", "Slot", "UserId", "Channel", "OwnerId", "TeamId", "Count" });

            // Hand-written: the unique key, the triggers that keep the table, and its first filling (see ConversationTalliesSql).
            foreach (var sql in ConversationTalliesSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in ConversationTalliesSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropTable(
                name: "ConversationTallies");
        }
    }
}
