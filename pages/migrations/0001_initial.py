"""Pages, menus and the navigation row, moved from blog without touching a row.

The tables keep their names (Meta.db_table): this migration only tells Django's state that the
models now belong to pages (blog.0011 removes them from blog's state), then renames their
content types, so permissions, group permissions, admin log entries, revisions and media uses,
which all point at a content type, stay valid.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("page", "menu", "menuitem", "sitenavigation")


def _move_content_types(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = ContentType.objects.filter(app_label=target, model__in=MODELS).values("model")
    ContentType.objects.filter(app_label=source, model__in=MODELS).exclude(model__in=taken).update(
        app_label=target
    )


def to_pages(apps, schema_editor):
    _move_content_types(apps, "blog", "pages")


def to_blog(apps, schema_editor):
    _move_content_types(apps, "pages", "blog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0010_article_recent_index"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Menu',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('location', models.CharField(choices=[('header', 'Header'), ('footer', 'Footer')], max_length=10, unique=True, verbose_name='location')),
                    ],
                    options={
                        'verbose_name': 'menu',
                        'verbose_name_plural': 'menus',
                        'db_table': 'blog_menu',
                        'ordering': ['location'],
                    },
                ),
                migrations.CreateModel(
                    name='SiteNavigation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('data', models.JSONField(default=dict, verbose_name='data')),
                        ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ],
                    options={
                        'verbose_name': 'site navigation',
                        'verbose_name_plural': 'site navigation',
                        'db_table': 'blog_sitenavigation',
                    },
                ),
                migrations.CreateModel(
                    name='Page',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('slug', models.SlugField(help_text='The last part of the address.', max_length=120, verbose_name='slug')),
                        ('path', models.CharField(editable=False, max_length=600, unique=True, verbose_name='address')),
                        ('body', models.TextField(blank=True, verbose_name='body')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=10, verbose_name='status')),
                        ('order', models.PositiveIntegerField(default=0, verbose_name='order')),
                        ('is_privacy_policy', models.BooleanField(default=False, help_text='The page every form that collects personal data links to. Only one page can be it.', verbose_name='privacy policy page')),
                        ('template', models.CharField(blank=True, help_text='A special layout, such as the contact form under the text.', max_length=100, verbose_name='layout')),
                        ('seo_title', models.CharField(blank=True, max_length=70, verbose_name='SEO title')),
                        ('seo_description', models.CharField(blank=True, max_length=160, verbose_name='SEO description')),
                        ('parent', models.ForeignKey(blank=True, help_text='A page under another one gets a nested address: /parent/page/.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='pages.page', verbose_name='parent page')),
                    ],
                    options={
                        'verbose_name': 'page',
                        'verbose_name_plural': 'pages',
                        'db_table': 'blog_page',
                        'ordering': ['path'],
                    },
                ),
                migrations.CreateModel(
                    name='MenuItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(blank=True, help_text="Empty: the linked item's name.", max_length=80, verbose_name='label')),
                        ('url', models.URLField(blank=True, verbose_name='external address')),
                        ('order', models.PositiveIntegerField(default=0, verbose_name='order')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='blog.author', verbose_name='author')),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='blog.category', verbose_name='category')),
                        ('menu', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='pages.menu', verbose_name='menu')),
                        ('parent', models.ForeignKey(blank=True, help_text='Header only: shows this link in the submenu of another one.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='pages.menuitem', verbose_name='under')),
                        ('tag', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='blog.tag', verbose_name='tag')),
                        ('page', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='pages.page', verbose_name='page')),
                    ],
                    options={
                        'verbose_name': 'menu link',
                        'verbose_name_plural': 'menu links',
                        'db_table': 'blog_menuitem',
                        'ordering': ['order', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='page',
                    index=models.Index(fields=['status', 'path'], name='page_visible_idx'),
                ),
                migrations.AddConstraint(
                    model_name='page',
                    constraint=models.UniqueConstraint(condition=models.Q(('is_privacy_policy', True)), fields=('is_privacy_policy',), name='one_privacy_policy_page', violation_error_message='Another page is already the privacy policy page.'),
                ),
            ],
        ),
        migrations.RunPython(to_pages, to_blog),
    ]
