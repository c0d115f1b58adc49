from django.contrib import admin

from .models import (
    Duty,
    FundingSource,
    Indicator,
    LegalBasis,
    Objective,
    Plan,
    Recipient,
    ReportingRule,
    Target,
    Task,
    TaskGroup,
)


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0


class ReportingRuleInline(admin.StackedInline):
    model = ReportingRule


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0


class RecipientInline(admin.TabularInline):
    model = Recipient
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "doc_type", "number", "issued_on", "issuer", "owner"]
    search_fields = ["code", "title", "number"]
    autocomplete_fields = ["owner"]
    inlines = [
        LegalBasisInline,
        ObjectiveInline,
        FundingSourceInline,
        ReportingRuleInline,
        DutyInline,
        RecipientInline,
    ]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan", "measure", "unit", "basis"]
    list_filter = ["plan", "measure", "basis"]
    search_fields = ["code", "name"]
    inlines = [TargetInline]


class TaskInline(admin.StackedInline):
    model = Task
    extra = 0
    fields = ["code", "order", "text", "lead", "coordinating"]


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]
    inlines = [TaskInline]

    def save_formset(self, request, form, formset, change):
        for task in formset.save(commit=False):
            task.plan = form.instance.plan
            task.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "lead", "group"]
    list_filter = ["plan", "group"]
    search_fields = ["code", "text", "lead"]
