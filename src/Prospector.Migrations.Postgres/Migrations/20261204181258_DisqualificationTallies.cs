using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DisqualificationTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DisqualificationTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Hourly = table.Column<bool>(type: "boolean", nullable: false),
                    Slot = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    OwnerId = table.Column<long>(type: "bigint", nullable: true),
                    TeamId = table.Column<long>(type: "bigint", nullable: true),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DisqualificationTallies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DisqualificationTallies_Hourly_Slot_OwnerId_TeamId_Count",
                table: "DisqualificationTallies",
                columns: new[] { "Hourly", "Slot", "OwnerId", "TeamId", "Count" });

            // Hand-written: the table's unique key and first filling, and the triggers that keep it (see DisqualificationTalliesSql).
            foreach (var sql in DisqualificationTalliesSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in DisqualificationTalliesSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropTable(
                name: "DisqualificationTallies");
        }
    }
}
