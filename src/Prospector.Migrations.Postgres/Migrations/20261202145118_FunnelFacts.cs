using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FunnelFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage",
                table: "LifecycleEvents");

            migrationBuilder.AddColumn<string>(
                name: "StayStage",
                table: "LifecycleEvents",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StayStartedAt",
                table: "LifecycleEvents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FirstLeadAt",
                table: "Contacts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HighestStage",
                table: "Contacts",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            // Hand-written: every contact's facts and every stage change's stay from the stage changes, then the triggers that
            // keep them (see FunnelFactsSql). Filled before the indexes are made, so the fill does not also update them row by row.
            foreach (var sql in FunnelFactsSql.UpWithoutPeriodFacts) migrationBuilder.Sql(sql);

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StaySta~",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage", "StayStage", "StayStartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_Reason",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "Reason" },
                filter: "\"ToStatus\" = 'Unqualified'");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_FirstLeadAt_Stage_HighestStage_LeadStatus_OwnerId_~",
                table: "Contacts",
                columns: new[] { "FirstLeadAt", "Stage", "HighestStage", "LeadStatus", "OwnerId", "TeamId" },
                filter: "\"DeletedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in FunnelFactsSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage_StaySta~",
                table: "LifecycleEvents");

            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_Reason",
                table: "LifecycleEvents");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_FirstLeadAt_Stage_HighestStage_LeadStatus_OwnerId_~",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "StayStage",
                table: "LifecycleEvents");

            migrationBuilder.DropColumn(
                name: "StayStartedAt",
                table: "LifecycleEvents");

            migrationBuilder.DropColumn(
                name: "FirstLeadAt",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "HighestStage",
                table: "Contacts");

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage" });
        }
    }
}
