"""The early-warning models move here from `analysis` with their rows (issue 9).

State only: the tables analysis/0002_warnings created are taken over as they are (kept under
their old names here; alerts/0003 renames them), so an existing database keeps every rule,
warning and follow-up. `analysis.Warning` is `EarlyWarning` from now on.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analysis', '0002_warnings'),
        ('registry', '0002_load_county_and_industries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='WarningRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='规则代码')),
                        ('name', models.CharField(max_length=60, verbose_name='规则名称')),
                        ('kind', models.CharField(choices=[('output_fall', '产值下降'), ('consecutive_fall', '产值连续下降'), ('electricity_mismatch', '用电量与产值背离'), ('plan_behind', '镇街计划进度滞后'), ('missing_return', '重点企业逾期未报')], max_length=24, verbose_name='类型')),
                        ('level', models.CharField(choices=[('red', '红色'), ('orange', '橙色'), ('yellow', '黄色'), ('blue', '蓝色')], max_length=8, verbose_name='预警级别')),
                        ('threshold', models.DecimalField(decimal_places=1, default=0, help_text='产值下降：1-本月同比降幅超过此值；连续下降：本月同比降幅超过此值；用电背离：本月用电降幅超过此值；计划滞后：完成率落后时间进度超过此值（百分点）', max_digits=8, verbose_name='阈值（%或百分点）')),
                        ('months', models.PositiveSmallIntegerField(default=1, help_text='仅用于“产值连续下降”', verbose_name='连续月数')),
                        ('message', models.CharField(help_text='可用占位符：{name} {town} {period} {growth} {value} {threshold} {months}', max_length=300, verbose_name='预警说明模板')),
                        ('active', models.BooleanField(default=True, verbose_name='启用')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'db_table': 'analysis_warningrule',
                        'verbose_name': '预警规则',
                        'verbose_name_plural': '预警规则',
                        'ordering': ['kind', 'threshold', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='EarlyWarning',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period', models.CharField(max_length=7, verbose_name='报告期')),
                        ('level', models.CharField(choices=[('red', '红色'), ('orange', '橙色'), ('yellow', '黄色'), ('blue', '蓝色')], max_length=8, verbose_name='预警级别')),
                        ('reason', models.CharField(max_length=500, verbose_name='预警原因')),
                        ('value', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True, verbose_name='指标值')),
                        ('status', models.CharField(choices=[('open', '待跟进'), ('followed_up', '已跟进'), ('cleared', '已解除')], default='open', max_length=12, verbose_name='状态')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='首次预警时间')),
                        ('scanned_at', models.DateTimeField(auto_now=True, verbose_name='最近扫描时间')),
                        ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='warnings', to='registry.enterprise', verbose_name='企业')),
                        ('town', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='warnings', to='registry.region', verbose_name='镇街')),
                        ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='warnings', to='alerts.warningrule', verbose_name='规则')),
                    ],
                    options={
                        'db_table': 'analysis_warning',
                        'verbose_name': '运行预警',
                        'verbose_name_plural': '运行预警',
                        'ordering': ['-period', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='WarningFollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.CharField(max_length=1000, verbose_name='跟进情况')),
                        ('actor', models.CharField(max_length=150, verbose_name='跟进人名称')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='跟进时间')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='跟进人')),
                        ('warning', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='alerts.earlywarning', verbose_name='预警')),
                    ],
                    options={
                        'db_table': 'analysis_warningfollowup',
                        'verbose_name': '预警跟进记录',
                        'verbose_name_plural': '预警跟进记录',
                        'ordering': ['warning', 'at', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='earlywarning',
                    index=models.Index(fields=['period', 'level'], name='warning_period_level_idx'),
                ),
                migrations.AddConstraint(
                    model_name='earlywarning',
                    constraint=models.UniqueConstraint(condition=models.Q(('enterprise__isnull', False)), fields=('rule', 'period', 'enterprise'), name='warning_once_per_enterprise'),
                ),
                migrations.AddConstraint(
                    model_name='earlywarning',
                    constraint=models.UniqueConstraint(condition=models.Q(('enterprise__isnull', True)), fields=('rule', 'period', 'town'), name='warning_once_per_town'),
                ),
            ],
        ),
    ]
