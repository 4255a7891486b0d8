from django.contrib import admin

from learn.classrooms.models import Classroom, LiveQuestion, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "joining_open", "open_through", "created_at"]
    search_fields = ["name", "code"]
    raw_id_fields = ["open_through"]
    inlines = [MembershipInline]


@admin.register(LiveQuestion)
class LiveQuestionAdmin(admin.ModelAdmin):
    list_display = ["classroom", "question", "started_at", "revealed_at", "ended_at"]
    raw_id_fields = ["classroom", "question", "pushed_by"]
