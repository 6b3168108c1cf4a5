using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FunnelPeriodFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StayStage_StayStartedAt",
                table: "LifecycleEvents");

            migrationBuilder.AddColumn<DateTime>(
                name: "PreviousEntryAt",
                table: "LifecycleEvents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PreviousLeaveAt",
                table: "LifecycleEvents",
                type: "TEXT",
                nullable: true);

            // Hand-written: every stage change's previous entry and leave like it, and the triggers that now keep them too (see
            // FunnelFactsSql). Filled before the index is made, so the fill does not also update it row by row.
            foreach (var sql in FunnelFactsSql.PeriodUp) migrationBuilder.Sql(sql);

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StayStage_StayStartedAt_PreviousEntryAt_PreviousLeaveAt",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage", "StayStage", "StayStartedAt", "PreviousEntryAt", "PreviousLeaveAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StayStage_StayStartedAt_PreviousEntryAt_PreviousLeaveAt",
                table: "LifecycleEvents");

            migrationBuilder.DropColumn(
                name: "PreviousEntryAt",
                table: "LifecycleEvents");

            migrationBuilder.DropColumn(
                name: "PreviousLeaveAt",
                table: "LifecycleEvents");

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StayStage_StayStartedAt",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage", "StayStage", "StayStartedAt" });

            // SQLite drops a column by rebuilding the table, which drops its triggers: back as migration FunnelFacts made them.
            foreach (var sql in FunnelFactsSql.UpWithoutPeriodFacts) migrationBuilder.Sql(sql);
        }
    }
}
