using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FunnelPeriodFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StaySta~",
                table: "LifecycleEvents");

            migrationBuilder.AddColumn<DateTime>(
                name: "PreviousEntryAt",
                table: "LifecycleEvents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PreviousLeaveAt",
                table: "LifecycleEvents",
                type: "timestamp with time zone",
                nullable: true);

            // Hand-written: every stage change's previous entry and leave like it, and the triggers that now keep them too (see
            // FunnelFactsSql). Filled before the index is made, so the fill does not also update it row by row.
            foreach (var sql in FunnelFactsSql.PeriodUp) migrationBuilder.Sql(sql);

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StaySta~",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage", "StayStage", "StayStartedAt", "PreviousEntryAt", "PreviousLeaveAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The trigger as migration FunnelFacts made it, before the columns it would fill go.
            foreach (var sql in FunnelFactsSql.UpWithoutPeriodFacts) migrationBuilder.Sql(sql);

            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StaySta~",
                table: "LifecycleEvents");

            migrationBuilder.DropColumn(
                name: "PreviousEntryAt",
                table: "LifecycleEvents");

            migrationBuilder.DropColumn(
                name: "PreviousLeaveAt",
                table: "LifecycleEvents");

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StaySta~",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage", "StayStage", "StayStartedAt" });
        }
    }
}
