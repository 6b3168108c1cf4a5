using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At",
                table: "LifecycleEvents");

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_ClosedAt",
                table: "Opportunities",
                column: "ClosedAt");

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_ContactId_Kind_ToStage_At",
                table: "LifecycleEvents",
                columns: new[] { "ContactId", "Kind", "ToStage", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "FromStage", "ToStage" });

            migrationBuilder.CreateIndex(
                name: "IX_Activities_OccurredAt_Channel_UserId_ContactId_CompanyId_OpportunityId",
                table: "Activities",
                columns: new[] { "OccurredAt", "Channel", "UserId", "ContactId", "CompanyId", "OpportunityId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_ClosedAt",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_ContactId_Kind_ToStage_At",
                table: "LifecycleEvents");

            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_FromStage_ToStage",
                table: "LifecycleEvents");

            migrationBuilder.DropIndex(
                name: "IX_Activities_OccurredAt_Channel_UserId_ContactId_CompanyId_OpportunityId",
                table: "Activities");

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At" });
        }
    }
}
