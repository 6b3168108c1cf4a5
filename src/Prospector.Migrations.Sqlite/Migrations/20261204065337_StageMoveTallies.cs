using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StageMoveTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StageMoveTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Hourly = table.Column<bool>(type: "INTEGER", nullable: false),
                    Slot = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FromStage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ToStage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StageMoveTallies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StageMoveTallies_Hourly_Slot_FromStage_ToStage_OwnerId_TeamId_Count",
                table: "StageMoveTallies",
                columns: new[] { "Hourly", "Slot", "FromStage", "ToStage", "OwnerId", "TeamId", "Count" });

            // Hand-written: the unique key, the triggers that keep the table, and its first filling (see StageMoveTalliesSql).
            foreach (var sql in StageMoveTalliesSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in StageMoveTalliesSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropTable(
                name: "StageMoveTallies");
        }
    }
}
