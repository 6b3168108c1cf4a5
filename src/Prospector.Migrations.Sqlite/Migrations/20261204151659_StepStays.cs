using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StepStays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "StayStartedAt",
                table: "OpportunityStepChanges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "StepStayTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Month = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StepId = table.Column<long>(type: "INTEGER", nullable: false),
                    Days = table.Column<int>(type: "INTEGER", nullable: false),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StepStayTallies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_State_DeletedAt_CreatedAt_OwnerId_TeamId",
                table: "Opportunities",
                columns: new[] { "State", "DeletedAt", "CreatedAt", "OwnerId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_StepStayTallies_Month_StepId_Days_OwnerId_TeamId_Count",
                table: "StepStayTallies",
                columns: new[] { "Month", "StepId", "Days", "OwnerId", "TeamId", "Count" });

            // Hand-written: each entry's stay, the table's unique key and first filling, and the triggers that keep both (see StepStaysSql).
            foreach (var sql in StepStaysSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in StepStaysSql.Down) migrationBuilder.Sql(sql);

            migrationBuilder.DropTable(
                name: "StepStayTallies");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_State_DeletedAt_CreatedAt_OwnerId_TeamId",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "StayStartedAt",
                table: "OpportunityStepChanges");
        }
    }
}
