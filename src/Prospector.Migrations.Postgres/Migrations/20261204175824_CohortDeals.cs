using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CohortDeals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ContactFirstLeadAt",
                table: "Opportunities",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_State_DeletedAt_ClosedAt_CloseReason_OwnerId_~",
                table: "Opportunities",
                columns: new[] { "State", "DeletedAt", "ClosedAt", "CloseReason", "OwnerId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_State_DeletedAt_ContactFirstLeadAt_CloseReaso~",
                table: "Opportunities",
                columns: new[] { "State", "DeletedAt", "ContactFirstLeadAt", "CloseReason", "OwnerId", "TeamId", "ContactId" });

            // Hand-written: the triggers that keep the new column and its first filling (see CohortDealsSql).
            foreach (var sql in CohortDealsSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in CohortDealsSql.Down) migrationBuilder.Sql(sql);
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_State_DeletedAt_ClosedAt_CloseReason_OwnerId_~",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_State_DeletedAt_ContactFirstLeadAt_CloseReaso~",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "ContactFirstLeadAt",
                table: "Opportunities");
        }
    }
}
