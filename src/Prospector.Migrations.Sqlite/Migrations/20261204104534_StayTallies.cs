using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StayTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StayTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Month = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Days = table.Column<int>(type: "INTEGER", nullable: false),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StayTallies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StayTallies_Month_Stage_Days_OwnerId_TeamId_Count",
                table: "StayTallies",
                columns: new[] { "Month", "Stage", "Days", "OwnerId", "TeamId", "Count" });

            // Hand-written: the unique key, the triggers that keep the table, and its first filling (see StayTalliesSql).
            foreach (var sql in StayTalliesSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in StayTalliesSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropTable(
                name: "StayTallies");
        }
    }
}
