using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Company",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompanyKey",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Domain",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DuplicateOfCompanyId",
                table: "ListRows",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DuplicateOfRow",
                table: "ListRows",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DuplicateReason",
                table: "ListRows",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "DuplicateScore",
                table: "ListRows",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Email",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmailKey",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Phone",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhoneE164",
                table: "ListRows",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SearchKey",
                table: "ListRows",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "Error",
                table: "Imports",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Format",
                table: "Imports",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RevertedAt",
                table: "Imports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RowsEmpty",
                table: "Imports",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Sheet",
                table: "Imports",
                type: "character varying(100)",
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

            migrationBuilder.AlterColumn<string>(
                name: "Error",
                table: "Imports",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(1000)",
                oldMaxLength: 1000,
                oldNullable: true);
        }
    }
}
