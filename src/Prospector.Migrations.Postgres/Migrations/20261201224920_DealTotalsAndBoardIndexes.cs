using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PipelineId = table.Column<long>(type: "bigint", nullable: false),
                    StepId = table.Column<long>(type: "bigint", nullable: false),
                    OwnerId = table.Column<long>(type: "bigint", nullable: true),
                    TeamId = table.Column<long>(type: "bigint", nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Standby = table.Column<bool>(type: "boolean", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    AmountCents = table.Column<long>(type: "bigint", nullable: false),
                    WeightedCentPercent = table.Column<long>(type: "bigint", nullable: false)
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
