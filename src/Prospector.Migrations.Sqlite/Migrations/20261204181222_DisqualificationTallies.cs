using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Hourly = table.Column<bool>(type: "INTEGER", nullable: false),
                    Slot = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
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
