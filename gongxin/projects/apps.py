from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "gongxin.projects"
    label = "projects"
    verbose_name = "技改项目"
