using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Staleness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_StepId",
                table: "Opportunities");

            migrationBuilder.AddColumn<int>(
                name: "CustomersNotContactedMonths",
                table: "WorkspaceSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "RottingAfterDays",
                table: "PipelineSteps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StepEnteredAt",
                table: "Opportunities",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Backfill: a deal entered its current step at its last step change in the audit trail (ADR 0011), else when it was created.
            migrationBuilder.Sql("""
                UPDATE "Opportunities" SET "StepEnteredAt" = COALESCE(
                    (SELECT MAX(a."At") FROM "AuditEntries" a
                     WHERE a."EntityType" = 'Opportunity' AND a."EntityId" = "Opportunities"."Id" AND a."Action" = 'Updated'
                       AND a."Changes" LIKE '%"field":"StepId"%'),
                    "CreatedAt");
                """);

            migrationBuilder.UpdateData(
                table: "WorkspaceSettings",
                keyColumn: "Id",
                keyValue: 1,
                column: "CustomersNotContactedMonths",
                value: 6);

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_StepId_StepEnteredAt",
                table: "Opportunities",
                columns: new[] { "StepId", "StepEnteredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_StepId_StepEnteredAt",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "CustomersNotContactedMonths",
                table: "WorkspaceSettings");

            migrationBuilder.DropColumn(
                name: "RottingAfterDays",
                table: "PipelineSteps");

            migrationBuilder.DropColumn(
                name: "StepEnteredAt",
                table: "Opportunities");

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_StepId",
                table: "Opportunities",
                column: "StepId");
        }
    }
}
