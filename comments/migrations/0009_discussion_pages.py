import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_comment_author_role")]

    operations = [
        migrations.AddField(
            model_name="discussionsettings",
            name="page_comments",
            field=models.BooleanField(
                default=True,
                help_text="Each page shows whole threads: a top-level comment with all its replies.",
                verbose_name="break comments into pages",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="discussionsettings",
            name="threads_per_page",
            field=models.PositiveSmallIntegerField(
                default=50,
                help_text="Top-level comments per page, each with its replies.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(500),
                ],
                verbose_name="threads per page",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="discussionsettings",
            name="default_page",
            field=models.CharField(
                choices=[("first", "First page"), ("last", "Last page")],
                default="first",
                max_length=5,
                verbose_name="page shown first",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="discussionsettings",
            name="default_order",
            field=models.CharField(
                choices=[
                    ("oldest", "Oldest first"),
                    ("newest", "Newest first"),
                    ("replies", "Most replies"),
                ],
                default="oldest",
                help_text="Readers may choose another order with the links above the comments.",
                max_length=10,
                verbose_name="comment order",
            ),
            preserve_default=False,
        ),
    ]
