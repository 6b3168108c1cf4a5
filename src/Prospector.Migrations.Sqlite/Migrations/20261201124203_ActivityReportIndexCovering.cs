using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ActivityReportIndexCovering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Activities_OccurredAt_Channel_UserId_ContactId_CompanyId_OpportunityId",
                table: "Activities");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_OccurredAt_Channel_UserId_ContactId_CompanyId_OpportunityId_DeletedAt",
                table: "Activities",
                columns: new[] { "OccurredAt", "Channel", "UserId", "ContactId", "CompanyId", "OpportunityId", "DeletedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Activities_OccurredAt_Channel_UserId_ContactId_CompanyId_OpportunityId_DeletedAt",
                table: "Activities");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_OccurredAt_Channel_UserId_ContactId_CompanyId_OpportunityId",
                table: "Activities",
                columns: new[] { "OccurredAt", "Channel", "UserId", "ContactId", "CompanyId", "OpportunityId" });
        }
    }
}
