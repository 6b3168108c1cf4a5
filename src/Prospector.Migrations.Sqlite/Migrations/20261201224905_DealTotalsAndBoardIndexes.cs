using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DealTotalsAndBoardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DealTotals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PipelineId = table.Column<long>(type: "INTEGER", nullable: false),
                    StepId = table.Column<long>(type: "INTEGER", nullable: false),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Standby = table.Column<bool>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    AmountCents = table.Column<long>(type: "INTEGER", nullable: false),
                    WeightedCentPercent = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DealTotals", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_StepId_ExpectedCloseDate_Id",
                table: "Opportunities",
                columns: new[] { "StepId", "ExpectedCloseDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_StepId_UpdatedAt",
                table: "Opportunities",
                columns: new[] { "StepId", "UpdatedAt" });

            // Hand-written: the unique key, the triggers that keep the table, and its first filling (see DealTotalsSql).
            foreach (var sql in DealTotalsSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in DealTotalsSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropTable(
                name: "DealTotals");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_StepId_ExpectedCloseDate_Id",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_StepId_UpdatedAt",
                table: "Opportunities");
        }
    }
}
