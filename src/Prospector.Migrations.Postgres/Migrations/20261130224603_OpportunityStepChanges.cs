using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class OpportunityStepChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OpportunityStepChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OpportunityId = table.Column<long>(type: "bigint", nullable: false),
                    PipelineId = table.Column<long>(type: "bigint", nullable: false),
                    FromStepId = table.Column<long>(type: "bigint", nullable: true),
                    ToStepId = table.Column<long>(type: "bigint", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpportunityStepChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpportunityStepChanges_Opportunities_OpportunityId",
                        column: x => x.OpportunityId,
                        principalTable: "Opportunities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OpportunityStepChanges_At",
                table: "OpportunityStepChanges",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_OpportunityStepChanges_OpportunityId_At",
                table: "OpportunityStepChanges",
                columns: new[] { "OpportunityId", "At" });

            // Backfill from the audit trail (docs/reports.md, "Time per pipeline step"): every recorded step change and creation,
            // then closures and reopenings (at the step the deal was in then), then one entry at StepEnteredAt for open deals the
            // audit trail says nothing about.
            migrationBuilder.Sql("""
                INSERT INTO "OpportunityStepChanges" ("OpportunityId", "PipelineId", "FromStepId", "ToStepId", "At")
                SELECT a."EntityId",
                       COALESCE((SELECT s."PipelineId" FROM "PipelineSteps" s WHERE s."Id" = (j->>'to')::bigint), o."PipelineId"),
                       (j->>'from')::bigint, (j->>'to')::bigint, a."At"
                FROM "AuditEntries" a JOIN "Opportunities" o ON o."Id" = a."EntityId"
                CROSS JOIN LATERAL json_array_elements(a."Changes"::json) j
                WHERE a."EntityType" = 'Opportunity' AND a."Changes" LIKE '[%' AND j->>'field' = 'StepId' AND j->>'to' IS NOT NULL
                ORDER BY a."At", a."Id";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "OpportunityStepChanges" ("OpportunityId", "PipelineId", "FromStepId", "ToStepId", "At")
                SELECT a."EntityId", o."PipelineId",
                       CASE WHEN j->>'to' IN ('Won', 'Lost', 'Cancelled') THEN COALESCE((SELECT h."ToStepId" FROM "OpportunityStepChanges" h
                           WHERE h."OpportunityId" = a."EntityId" AND h."At" <= a."At" AND h."ToStepId" IS NOT NULL ORDER BY h."At" DESC, h."Id" DESC LIMIT 1), o."StepId") END,
                       CASE WHEN j->>'to' IN ('Open', 'Standby') THEN COALESCE((SELECT h."ToStepId" FROM "OpportunityStepChanges" h
                           WHERE h."OpportunityId" = a."EntityId" AND h."At" <= a."At" AND h."ToStepId" IS NOT NULL ORDER BY h."At" DESC, h."Id" DESC LIMIT 1), o."StepId") END,
                       a."At"
                FROM "AuditEntries" a JOIN "Opportunities" o ON o."Id" = a."EntityId"
                CROSS JOIN LATERAL json_array_elements(a."Changes"::json) j
                WHERE a."EntityType" = 'Opportunity' AND a."Changes" LIKE '[%' AND j->>'field' = 'State'
                  AND ((j->>'from' IN ('Open', 'Standby') AND j->>'to' IN ('Won', 'Lost', 'Cancelled'))
                    OR (j->>'from' IN ('Won', 'Lost', 'Cancelled') AND j->>'to' IN ('Open', 'Standby')))
                ORDER BY a."At", a."Id";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "OpportunityStepChanges" ("OpportunityId", "PipelineId", "FromStepId", "ToStepId", "At")
                SELECT o."Id", o."PipelineId", NULL, o."StepId", o."StepEnteredAt" FROM "Opportunities" o
                WHERE o."State" IN ('Open', 'Standby') AND NOT EXISTS (SELECT 1 FROM "OpportunityStepChanges" h WHERE h."OpportunityId" = o."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OpportunityStepChanges");
        }
    }
}
