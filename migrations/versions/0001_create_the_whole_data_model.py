"""Create every table, index and constraint of the first data model.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:11:27.119383

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campuses')),
    sa.UniqueConstraint('name', name=op.f('uq_campuses_name'))
    )
    with op.batch_alter_table('campuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campuses_created_at'), ['created_at'], unique=False)

    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('total_lessons', sa.Integer(), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('price >= 0', name=op.f('ck_courses_price_non_negative')),
    sa.CheckConstraint('total_lessons >= 0', name=op.f('ck_courses_total_lessons_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sa.UniqueConstraint('name', name=op.f('uq_courses_name'))
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courses_created_at'), ['created_at'], unique=False)

    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_ip_attempted_at'), ['ip', 'attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempts_username_attempted_at'), ['username', 'attempted_at'], unique=False)

    op.create_table('source_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('is_referral', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_channels')),
    sa.UniqueConstraint('name', name=op.f('uq_source_channels_name'))
    )
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('category', sa.Enum('industry', 'value', 'region', 'need', 'custom', name='tagcategory', native_enum=False, length=20), nullable=False),
    sa.Column('kind', sa.Enum('system', 'manual', name='tagkind', native_enum=False, length=20), nullable=False),
    sa.Column('system_code', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name')),
    sa.UniqueConstraint('system_code', name=op.f('uq_tags_system_code'))
    )
    op.create_table('classrooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_classrooms_campus_id_campuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classrooms'))
    )
    with op.batch_alter_table('classrooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classrooms_campus_id_name'), ['campus_id', 'name'], unique=True)

    op.create_table('settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=True),
    sa.Column('dormant_days', sa.Integer(), nullable=False),
    sa.Column('pool_return_days', sa.Integer(), nullable=False),
    sa.Column('max_open_leads', sa.Integer(), nullable=False),
    sa.Column('low_hours_threshold', sa.Integer(), nullable=False),
    sa.Column('contract_expiry_days', sa.Integer(), nullable=False),
    sa.Column('high_value_amount', sa.Integer(), nullable=False),
    sa.Column('attendance_lock_days', sa.Integer(), nullable=False),
    sa.Column('deducting_statuses', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_settings_campus_id_campuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settings')),
    sa.UniqueConstraint('campus_id', name=op.f('uq_settings_campus_id'))
    )
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settings_created_at'), ['created_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('admin', 'manager', 'sales', 'academic', 'teacher', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('position', sa.String(length=64), nullable=False),
    sa.Column('hire_date', sa.Date(), nullable=True),
    sa.Column('leave_date', sa.Date(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('session_token', sa.String(length=32), nullable=False),
    sa.Column('phone_encrypted', sa.Text(), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('phone_last4', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_users_campus_id_campuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_campus_id_role'), ['campus_id', 'role'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_phone_last4'), ['phone_last4'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_actor_id_created_at'), ['actor_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity_entity_id'), ['entity', 'entity_id'], unique=False)

    op.create_table('classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('head_teacher_id', sa.Integer(), nullable=True),
    sa.Column('classroom_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_classes_capacity_positive')),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_classes_campus_id_campuses')),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], name=op.f('fk_classes_classroom_id_classrooms')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_classes_course_id_courses')),
    sa.ForeignKeyConstraint(['head_teacher_id'], ['users.id'], name=op.f('fk_classes_head_teacher_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classes'))
    )
    with op.batch_alter_table('classes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classes_campus_id_course_id'), ['campus_id', 'course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_classes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_classes_head_teacher_id'), ['head_teacher_id'], unique=False)

    op.create_table('lead_inheritances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=False),
    sa.Column('to_user_id', sa.Integer(), nullable=False),
    sa.Column('leads_moved', sa.Integer(), nullable=False),
    sa.Column('students_moved', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_lead_inheritances_from_user_id_users')),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_lead_inheritances_operator_id_users')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_lead_inheritances_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_inheritances'))
    )
    with op.batch_alter_table('lead_inheritances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_inheritances_from_user_id'), ['from_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_inheritances_to_user_id'), ['to_user_id'], unique=False)

    op.create_table('students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gender', sa.Enum('unknown', 'male', 'female', name='gender', native_enum=False, length=20), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('id_card', sa.Text(), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('potential', 'active', 'suspended', 'refunded', 'graduated', name='studentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_pinyin', sa.String(length=255), nullable=False),
    sa.Column('name_initials', sa.String(length=64), nullable=False),
    sa.Column('phone_encrypted', sa.Text(), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('phone_last4', sa.String(length=4), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_students_campus_id_campuses')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_students_owner_id_users')),
    sa.ForeignKeyConstraint(['source_id'], ['source_channels.id'], name=op.f('fk_students_source_id_source_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_students'))
    )
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_students_campus_id_status'), ['campus_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_name_pinyin'), ['name_pinyin'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_owner_id_status'), ['owner_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_phone_last4'), ['phone_last4'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('total_fee', sa.BigInteger(), nullable=False),
    sa.Column('payment_method', sa.Enum('wechat', 'alipay', 'card', 'cash', name='paymentmethod', native_enum=False, length=20), nullable=True),
    sa.Column('contract_no', sa.String(length=64), nullable=False),
    sa.Column('contract_status', sa.Enum('unsigned', 'signed', 'void', name='contractstatus', native_enum=False, length=20), nullable=False),
    sa.Column('lessons_purchased', sa.Integer(), nullable=False),
    sa.Column('gift_lessons', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'finished', 'refunded', 'transferred', name='enrollmentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('gift_lessons >= 0', name=op.f('ck_enrollments_gift_non_negative')),
    sa.CheckConstraint('lessons_purchased >= 0', name=op.f('ck_enrollments_purchased_non_negative')),
    sa.CheckConstraint('total_fee >= 0', name=op.f('ck_enrollments_fee_non_negative')),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_enrollments_class_id_classes')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_enrollments_course_id_courses')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_enrollments_created_by_id_users')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_enrollments_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('contract_no', name=op.f('uq_enrollments_contract_no'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_class_id_status'), ['class_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_student_id_status'), ['student_id', 'status'], unique=False)

    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gender', sa.Enum('unknown', 'male', 'female', name='gender', native_enum=False, length=20), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('contact_name', sa.String(length=64), nullable=False),
    sa.Column('contact_relation', sa.String(length=32), nullable=False),
    sa.Column('wechat_id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('referrer_student_id', sa.Integer(), nullable=True),
    sa.Column('consult_date', sa.Date(), nullable=True),
    sa.Column('stage', sa.Enum('new', 'contacted', 'intent', 'pending', 'converted', 'lost', name='leadstage', native_enum=False, length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('potential', 'normal', 'vip', name='customerlevel', native_enum=False, length=20), nullable=False),
    sa.Column('is_valid', sa.Boolean(), nullable=False),
    sa.Column('lost_reason', sa.String(length=255), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('last_followup_at', sa.DateTime(), nullable=True),
    sa.Column('next_followup_at', sa.DateTime(), nullable=True),
    sa.Column('owner_assigned_at', sa.DateTime(), nullable=True),
    sa.Column('converted_student_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_pinyin', sa.String(length=255), nullable=False),
    sa.Column('name_initials', sa.String(length=64), nullable=False),
    sa.Column('phone_encrypted', sa.Text(), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('phone_last4', sa.String(length=4), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_leads_campus_id_campuses')),
    sa.ForeignKeyConstraint(['converted_student_id'], ['students.id'], name=op.f('fk_leads_converted_student_id_students')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_leads_owner_id_users')),
    sa.ForeignKeyConstraint(['referrer_student_id'], ['students.id'], name=op.f('fk_leads_referrer_student_id_students')),
    sa.ForeignKeyConstraint(['source_id'], ['source_channels.id'], name=op.f('fk_leads_source_id_source_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_campus_id_phone_hash'), ['campus_id', 'phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_campus_id_stage_next_followup_at'), ['campus_id', 'stage', 'next_followup_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_converted_student_id'), ['converted_student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_name_pinyin'), ['name_pinyin'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_owner_id_created_at'), ['owner_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_owner_id_stage'), ['owner_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_phone_last4'), ['phone_last4'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_referrer_student_id'), ['referrer_student_id'], unique=False)

    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('lesson_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('classroom_id', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_lessons_ends_after_start')),
    sa.CheckConstraint('units > 0', name=op.f('ck_lessons_units_positive')),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_lessons_class_id_classes')),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], name=op.f('fk_lessons_classroom_id_classrooms')),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_lessons_teacher_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons'))
    )
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lessons_class_id_lesson_date'), ['class_id', 'lesson_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_lessons_classroom_id_lesson_date'), ['classroom_id', 'lesson_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_lessons_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lessons_teacher_id_lesson_date'), ['teacher_id', 'lesson_date'], unique=False)

    op.create_table('parents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('relationship', sa.String(length=32), nullable=False),
    sa.Column('wechat_id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('phone_encrypted', sa.Text(), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('phone_last4', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_parents_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parents'))
    )
    with op.batch_alter_table('parents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parents_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_parents_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_parents_phone_last4'), ['phone_last4'], unique=False)
        batch_op.create_index(batch_op.f('ix_parents_student_id'), ['student_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('overall_rating', sa.Integer(), nullable=False),
    sa.Column('course_rating', sa.Integer(), nullable=False),
    sa.Column('teacher_rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('course_rating BETWEEN 1 AND 5', name=op.f('ck_reviews_course_range')),
    sa.CheckConstraint('overall_rating BETWEEN 1 AND 5', name=op.f('ck_reviews_overall_range')),
    sa.CheckConstraint('teacher_rating BETWEEN 1 AND 5', name=op.f('ck_reviews_teacher_range')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_reviews_course_id_courses')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_reviews_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_reviews_replied_by_id_users')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_reviews_student_id_students')),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_reviews_teacher_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_course_id_reviewed_on'), ['course_id', 'reviewed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_teacher_id_reviewed_on'), ['teacher_id', 'reviewed_on'], unique=False)

    op.create_table('student_tags',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_student_tags_student_id_students'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_student_tags_tag_id_tags')),
    sa.PrimaryKeyConstraint('student_id', 'tag_id', name=op.f('pk_student_tags'))
    )
    with op.batch_alter_table('student_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('present', 'late', 'leave', 'absent', name='attendancestatus', native_enum=False, length=20), nullable=False),
    sa.Column('notes', sa.String(length=255), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_attendance_enrollment_id_enrollments')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_attendance_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_attendance_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_attendance_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('lesson_id', 'student_id', name=op.f('uq_attendance_lesson_id_student_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_enrollment_id_created_at'), ['enrollment_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_student_id_created_at'), ['student_id', 'created_at'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('followed_at', sa.DateTime(), nullable=False),
    sa.Column('method', sa.Enum('phone', 'wechat', 'meeting', 'sms', 'visit', 'email', name='followupmethod', native_enum=False, length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('next_plan', sa.Text(), nullable=False),
    sa.Column('next_followup_at', sa.DateTime(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(lead_id IS NULL AND student_id IS NOT NULL) OR (lead_id IS NOT NULL AND student_id IS NULL)', name=op.f('ck_follow_ups_one_subject')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_follow_ups_lead_id_leads')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_follow_ups_student_id_students')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_ups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_lead_id_followed_at'), ['lead_id', 'followed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_student_id_followed_at'), ['student_id', 'followed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_user_id_followed_at'), ['user_id', 'followed_at'], unique=False)

    op.create_table('lead_courses',
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lead_courses_course_id_courses')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_courses_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lead_id', 'course_id', name=op.f('pk_lead_courses'))
    )
    op.create_table('lead_pool_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('release', 'claim', 'return', 'assign', 'inherit', name='poolaction', native_enum=False, length=20), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('happened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_lead_pool_events_by_user_id_users')),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_lead_pool_events_from_user_id_users')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_pool_events_lead_id_leads')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_lead_pool_events_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_pool_events'))
    )
    with op.batch_alter_table('lead_pool_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_pool_events_lead_id_happened_at'), ['lead_id', 'happened_at'], unique=False)

    op.create_table('lead_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.Enum('new', 'contacted', 'intent', 'pending', 'converted', 'lost', name='leadstage', native_enum=False, length=20), nullable=True),
    sa.Column('to_stage', sa.Enum('new', 'contacted', 'intent', 'pending', 'converted', 'lost', name='leadstage', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_lead_stage_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_stage_changes_lead_id_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_stage_changes'))
    )
    with op.batch_alter_table('lead_stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_stage_changes_lead_id_changed_at'), ['lead_id', 'changed_at'], unique=False)

    op.create_table('lead_tags',
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_tags_lead_id_leads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_lead_tags_tag_id_tags')),
    sa.PrimaryKeyConstraint('lead_id', 'tag_id', name=op.f('pk_lead_tags'))
    )
    with op.batch_alter_table('lead_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.Enum('wechat', 'alipay', 'card', 'cash', name='paymentmethod', native_enum=False, length=20), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=False),
    sa.Column('is_refund', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_payments_enrollment_id_enrollments')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_enrollment_id_paid_at'), ['enrollment_id', 'paid_at'], unique=False)

    op.create_table('renewal_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('low_hours', 'contract_expiry', name='reminderkind', native_enum=False, length=20), nullable=False),
    sa.Column('trigger_value', sa.String(length=64), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'processed', 'ignored', name='reminderstatus', native_enum=False, length=20), nullable=False),
    sa.Column('is_urgent', sa.Boolean(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.Column('processed_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_renewal_reminders_assigned_to_id_users')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_renewal_reminders_enrollment_id_enrollments')),
    sa.ForeignKeyConstraint(['processed_by_id'], ['users.id'], name=op.f('fk_renewal_reminders_processed_by_id_users')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_renewal_reminders_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_reminders'))
    )
    with op.batch_alter_table('renewal_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewal_reminders_assigned_to_id_status'), ['assigned_to_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_renewal_reminders_enrollment_id_kind_status'), ['enrollment_id', 'kind', 'status'], unique=False)

    op.create_table('six_speeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('purchase_power', sa.String(length=255), nullable=False),
    sa.Column('concept_awareness', sa.Text(), nullable=False),
    sa.Column('preferred_class_time', sa.String(length=255), nullable=False),
    sa.Column('distance', sa.String(length=255), nullable=False),
    sa.Column('communication_notes', sa.Text(), nullable=False),
    sa.Column('promised_visit_at', sa.DateTime(), nullable=True),
    sa.Column('actual_visit_at', sa.DateTime(), nullable=True),
    sa.Column('wechat_added', sa.Boolean(), nullable=False),
    sa.Column('first_visit_at', sa.DateTime(), nullable=True),
    sa.Column('first_visit_status', sa.Text(), nullable=False),
    sa.Column('second_visit_at', sa.DateTime(), nullable=True),
    sa.Column('second_visit_status', sa.Text(), nullable=False),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('is_enrolled', sa.Boolean(), nullable=False),
    sa.Column('consultation_remark', sa.String(length=255), nullable=False),
    sa.Column('chasing_mark', sa.String(length=255), nullable=False),
    sa.Column('stickiness', sa.Enum('1', '2', '3', name='stickiness', native_enum=False, length=20), nullable=True),
    sa.Column('is_valid', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("stickiness IS NULL OR stickiness IN ('1', '2', '3')", name=op.f('ck_six_speeds_stickiness_range')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_six_speeds_lead_id_leads')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_six_speeds_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_six_speeds')),
    sa.UniqueConstraint('lead_id', name=op.f('uq_six_speeds_lead_id'))
    )
    with op.batch_alter_table('six_speeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_six_speeds_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_six_speeds_first_visit_at'), ['first_visit_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_six_speeds_owner_id_created_at'), ['owner_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_six_speeds_owner_id_is_closed'), ['owner_id', 'is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_six_speeds_owner_id_is_enrolled'), ['owner_id', 'is_enrolled'], unique=False)
        batch_op.create_index(batch_op.f('ix_six_speeds_promised_visit_at'), ['promised_visit_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_six_speeds_second_visit_at'), ['second_visit_at'], unique=False)

    op.create_table('status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('suspend', 'resume', 'refund', 'transfer', 'graduate', name='statuschangekind', native_enum=False, length=20), nullable=False),
    sa.Column('old_status', sa.Enum('potential', 'active', 'suspended', 'refunded', 'graduated', name='studentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('new_status', sa.Enum('potential', 'active', 'suspended', 'refunded', 'graduated', name='studentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('target_class_id', sa.Integer(), nullable=True),
    sa.Column('refund_amount', sa.BigInteger(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('approval_status', sa.Enum('pending', 'approved', 'rejected', name='approvalstatus', native_enum=False, length=20), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_status_changes_approved_by_id_users')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_status_changes_enrollment_id_enrollments')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_status_changes_requested_by_id_users')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_status_changes_student_id_students')),
    sa.ForeignKeyConstraint(['target_class_id'], ['classes.id'], name=op.f('fk_status_changes_target_class_id_classes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes'))
    )
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_changes_approval_status_requested_at'), ['approval_status', 'requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_changes_student_id_requested_at'), ['student_id', 'requested_at'], unique=False)

    op.create_table('trial_lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('booked', 'attended', 'no_show', name='trialstatus', native_enum=False, length=20), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_trial_lessons_booked_by_id_users')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_trial_lessons_lead_id_leads')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_trial_lessons_lesson_id_lessons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trial_lessons'))
    )
    with op.batch_alter_table('trial_lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trial_lessons_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_trial_lessons_lead_id_lesson_id'), ['lead_id', 'lesson_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_trial_lessons_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('lesson_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('purchase', 'gift', 'attendance', 'correction', 'refund', 'transfer', name='ledgerkind', native_enum=False, length=20), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('attendance_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attendance_id'], ['attendance.id'], name=op.f('fk_lesson_ledger_attendance_id_attendance')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_lesson_ledger_created_by_id_users')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_lesson_ledger_enrollment_id_enrollments')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_ledger_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_lesson_ledger_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_ledger'))
    )
    with op.batch_alter_table('lesson_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_ledger_attendance_id'), ['attendance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_ledger_enrollment_id_created_at'), ['enrollment_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_ledger_student_id_created_at'), ['student_id', 'created_at'], unique=False)

    op.create_table('makeups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('missed_attendance_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('booked', 'attended', 'cancelled', name='makeupstatus', native_enum=False, length=20), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_makeups_booked_by_id_users')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_makeups_enrollment_id_enrollments')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_makeups_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['missed_attendance_id'], ['attendance.id'], name=op.f('fk_makeups_missed_attendance_id_attendance')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_makeups_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_makeups')),
    sa.UniqueConstraint('missed_attendance_id', name=op.f('uq_makeups_missed_attendance_id'))
    )
    with op.batch_alter_table('makeups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_makeups_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_makeups_lesson_id_student_id'), ['lesson_id', 'student_id'], unique=False)

    op.create_table('six_speed_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('six_speed_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=False),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_six_speed_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['six_speed_id'], ['six_speeds.id'], name=op.f('fk_six_speed_changes_six_speed_id_six_speeds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_six_speed_changes'))
    )
    with op.batch_alter_table('six_speed_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_six_speed_changes_six_speed_id_changed_at'), ['six_speed_id', 'changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('six_speed_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_six_speed_changes_six_speed_id_changed_at'))

    op.drop_table('six_speed_changes')
    with op.batch_alter_table('makeups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_makeups_lesson_id_student_id'))
        batch_op.drop_index(batch_op.f('ix_makeups_created_at'))

    op.drop_table('makeups')
    with op.batch_alter_table('lesson_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_ledger_student_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_lesson_ledger_enrollment_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_lesson_ledger_attendance_id'))

    op.drop_table('lesson_ledger')
    with op.batch_alter_table('trial_lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trial_lessons_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_trial_lessons_lead_id_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_trial_lessons_created_at'))

    op.drop_table('trial_lessons')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_changes_student_id_requested_at'))
        batch_op.drop_index(batch_op.f('ix_status_changes_approval_status_requested_at'))

    op.drop_table('status_changes')
    with op.batch_alter_table('six_speeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_six_speeds_second_visit_at'))
        batch_op.drop_index(batch_op.f('ix_six_speeds_promised_visit_at'))
        batch_op.drop_index(batch_op.f('ix_six_speeds_owner_id_is_enrolled'))
        batch_op.drop_index(batch_op.f('ix_six_speeds_owner_id_is_closed'))
        batch_op.drop_index(batch_op.f('ix_six_speeds_owner_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_six_speeds_first_visit_at'))
        batch_op.drop_index(batch_op.f('ix_six_speeds_created_at'))

    op.drop_table('six_speeds')
    with op.batch_alter_table('renewal_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renewal_reminders_enrollment_id_kind_status'))
        batch_op.drop_index(batch_op.f('ix_renewal_reminders_assigned_to_id_status'))

    op.drop_table('renewal_reminders')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_enrollment_id_paid_at'))

    op.drop_table('payments')
    with op.batch_alter_table('lead_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_tags_tag_id'))

    op.drop_table('lead_tags')
    with op.batch_alter_table('lead_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_stage_changes_lead_id_changed_at'))

    op.drop_table('lead_stage_changes')
    with op.batch_alter_table('lead_pool_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_pool_events_lead_id_happened_at'))

    op.drop_table('lead_pool_events')
    op.drop_table('lead_courses')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_user_id_followed_at'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_student_id_followed_at'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_lead_id_followed_at'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_student_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_attendance_enrollment_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_attendance_created_at'))

    op.drop_table('attendance')
    with op.batch_alter_table('student_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_tags_tag_id'))

    op.drop_table('student_tags')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_teacher_id_reviewed_on'))
        batch_op.drop_index(batch_op.f('ix_reviews_student_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_course_id_reviewed_on'))

    op.drop_table('reviews')
    with op.batch_alter_table('parents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parents_student_id'))
        batch_op.drop_index(batch_op.f('ix_parents_phone_last4'))
        batch_op.drop_index(batch_op.f('ix_parents_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_parents_created_at'))

    op.drop_table('parents')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lessons_teacher_id_lesson_date'))
        batch_op.drop_index(batch_op.f('ix_lessons_created_at'))
        batch_op.drop_index(batch_op.f('ix_lessons_classroom_id_lesson_date'))
        batch_op.drop_index(batch_op.f('ix_lessons_class_id_lesson_date'))

    op.drop_table('lessons')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_referrer_student_id'))
        batch_op.drop_index(batch_op.f('ix_leads_phone_last4'))
        batch_op.drop_index(batch_op.f('ix_leads_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_leads_owner_id_stage'))
        batch_op.drop_index(batch_op.f('ix_leads_owner_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_leads_name_pinyin'))
        batch_op.drop_index(batch_op.f('ix_leads_name_initials'))
        batch_op.drop_index(batch_op.f('ix_leads_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_leads_created_at'))
        batch_op.drop_index(batch_op.f('ix_leads_converted_student_id'))
        batch_op.drop_index(batch_op.f('ix_leads_campus_id_stage_next_followup_at'))
        batch_op.drop_index(batch_op.f('ix_leads_campus_id_phone_hash'))

    op.drop_table('leads')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_student_id_status'))
        batch_op.drop_index(batch_op.f('ix_enrollments_created_at'))
        batch_op.drop_index(batch_op.f('ix_enrollments_course_id'))
        batch_op.drop_index(batch_op.f('ix_enrollments_class_id_status'))

    op.drop_table('enrollments')
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_students_phone_last4'))
        batch_op.drop_index(batch_op.f('ix_students_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_students_owner_id_status'))
        batch_op.drop_index(batch_op.f('ix_students_name_pinyin'))
        batch_op.drop_index(batch_op.f('ix_students_name_initials'))
        batch_op.drop_index(batch_op.f('ix_students_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_students_created_at'))
        batch_op.drop_index(batch_op.f('ix_students_campus_id_status'))

    op.drop_table('students')
    with op.batch_alter_table('lead_inheritances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_inheritances_to_user_id'))
        batch_op.drop_index(batch_op.f('ix_lead_inheritances_from_user_id'))

    op.drop_table('lead_inheritances')
    with op.batch_alter_table('classes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classes_head_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_classes_created_at'))
        batch_op.drop_index(batch_op.f('ix_classes_campus_id_course_id'))

    op.drop_table('classes')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_entity_entity_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_phone_last4'))
        batch_op.drop_index(batch_op.f('ix_users_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_users_created_at'))
        batch_op.drop_index(batch_op.f('ix_users_campus_id_role'))

    op.drop_table('users')
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settings_created_at'))

    op.drop_table('settings')
    with op.batch_alter_table('classrooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classrooms_campus_id_name'))

    op.drop_table('classrooms')
    op.drop_table('tags')
    op.drop_table('source_channels')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_username_attempted_at'))
        batch_op.drop_index(batch_op.f('ix_login_attempts_ip_attempted_at'))

    op.drop_table('login_attempts')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courses_created_at'))

    op.drop_table('courses')
    with op.batch_alter_table('campuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campuses_created_at'))

    op.drop_table('campuses')
