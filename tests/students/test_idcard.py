"""ID card numbers: the GB 11643 checksum, the birth date inside, and masking."""
import datetime as dt

from eduflow.security.idcard import check_char, is_valid_id_card, mask_id_card, normalise_id_card

VALID = "11010519491231002X"


def test_a_number_with_the_right_check_character_is_valid():
    assert check_char(VALID[:17]) == "X"
    assert is_valid_id_card(VALID)


def test_a_lower_case_check_letter_and_spaces_are_accepted():
    assert is_valid_id_card(" 110105 19491231 002x ")
    assert normalise_id_card("11010519491231002x") == VALID


def test_a_wrong_check_digit_is_refused():
    assert not is_valid_id_card("110105194912310021")


def test_the_old_15_digit_numbers_are_refused():
    assert not is_valid_id_card("110105491231002")


def test_an_impossible_or_future_birth_date_is_refused():
    bad_day = "11010519490231" + "002"  # 31 February
    assert not is_valid_id_card(bad_day + check_char(bad_day))
    future = "11010530000101" + "002"
    assert not is_valid_id_card(future + check_char(future), today=dt.date(2025, 1, 1))


def test_letters_and_empty_input_are_refused():
    assert not is_valid_id_card("11010519491231A02X")
    assert not is_valid_id_card("")
    assert not is_valid_id_card(None)


def test_masking_keeps_the_region_and_the_last_four():
    assert mask_id_card(VALID) == "110105********002X"
    assert mask_id_card(None) == ""
