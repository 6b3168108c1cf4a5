using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ProspectingLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "City",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Company",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompanyKey",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Domain",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DuplicateOfCompanyId",
                table: "ListRows",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DuplicateOfRow",
                table: "ListRows",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DuplicateReason",
                table: "ListRows",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "DuplicateScore",
                table: "ListRows",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Email",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmailKey",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Phone",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhoneE164",
                table: "ListRows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SearchKey",
                table: "ListRows",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Format",
                table: "Imports",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RevertedAt",
                table: "Imports",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RowsEmpty",
                table: "Imports",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Sheet",
                table: "Imports",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ListRows_ListId_NameKey",
                table: "ListRows",
                columns: new[] { "ListId", "NameKey" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ListRows_ListId_NameKey",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "City",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "Company",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "CompanyKey",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "Domain",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "DuplicateOfCompanyId",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "DuplicateOfRow",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "DuplicateReason",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "DuplicateScore",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "Email",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "EmailKey",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "Phone",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "PhoneE164",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "SearchKey",
                table: "ListRows");

            migrationBuilder.DropColumn(
                name: "Format",
                table: "Imports");

            migrationBuilder.DropColumn(
                name: "RevertedAt",
                table: "Imports");

            migrationBuilder.DropColumn(
                name: "RowsEmpty",
                table: "Imports");

            migrationBuilder.DropColumn(
                name: "Sheet",
                table: "Imports");
        }
    }
}
