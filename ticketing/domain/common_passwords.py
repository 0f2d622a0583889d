"""The most common passwords of at least eight characters, lower-cased: from public leak lists, with the
digit runs, keyboard walks and pinyin phrases (woaini1314, 5201314…) people here pick, and the district's own
words (donggang, shequ123, wangge123…). Guessers try these first, so the password rule refuses them.
"""

from __future__ import annotations

_LISTED = """
!qaz2wsx !qaz@wsx 00000000 0123456789 100200300 110110110 11111111 11112222 11223344 112233445566 119119119
120120120 12121212 123123123 123321123 12341234 12344321 123456123456 12345678 123456789 1234567890
1234567890a 123456789a 123456789q 12345678a 12345678q 1234567a 1234567q 123456aa 123456abc 123456asd 123456qq
123456qwe 123456zxc 12345qwert 12345six 12348765 1234abcd 1234qwer 123654789 123789456 123abc456 123qwe!@#
123qweasd 12qwaszx 13131313 13145201314 1314520520 1314love 1314woaini 13579246 135792468 147258369 147258369a
147852369 159357159357 159357456 159753456 1a2b3c4d 1password 1q2w3e4r 1q2w3e4r5t 1qaz!qaz 1qaz2wsx
1qaz2wsx3edc 1qaz@wsx 1qazxsw2 22222222 246813579 321321321 33333333 44444444 456789123 520131400 5201314520
52013145201314 5201314a 55555555 66666666 666666aa 66668888 741258963 741852963 77585210 7758521a 77777777
789456123 87654321 88886666 88888888 88888888a 963258741 963852741 98765432 987654321 9876543210 99999999
a00000000 a11111111 a1234567 a12345678 a123456789 a1b2c3d4 a5201314 aa123456 aa12345678 aaa123456 abc!1234
abc12345 abc123456 abc@1234 abcd1234 abcd12345 abcde123 abcdefgh access14 admin123 admin1234 admin666 admin888
adminadmin administrator aini1314 arsenal1 asd12345 asd123456 asdf1234 asdf;lkj asdfasdf asdfghjk asdfghjkl
baobao123 baobei1314 baobei520 baseball basketball batman123 beijing1 beijing123 blink182 changeit changeme
changeme1 charlie1 chelsea1 chen1234 china123 china1234 chinese1 computer corvette default1 donggang donggang1
dragon123 football football1 freedom1 gongdan123 guest123 hello123 hello1234 helloworld huang123 iloveyou
iloveyou1 iloveyou2 iloveyou520 internet jennifer jiedao123 jinan123 jordan23 juweihui laogong520 laopo520
letmein1 letmein123 li123456 liu123456 liverpool louzhang love1314 love5201314 lovelove loveyou1 manager1
master123 masterkey mercedes michael1 michelle midnight monkey123 mustang1 mypassword newpassword operator
p@ssw0rd p@ssw0rd1 p@ssword pa55w0rd pa55word pass1234 pass12345 pass@123 pass@word1 passport passw0rd
password password! password1 password12 password123 pokemon1 princess princess1 q11111111 q1234567 q1w2e3r4
q1w2e3r4t5 qaz12345 qaz123456 qazwsxedc qingdao1 qq123456 qq1234567 qwe12345 qwe123456 qwe123qwe qweasdzxc
qweqweqwe qwer1234 qwerty!@ qwerty12 qwerty123 qwerty1234 qwertyui qwertyuiop rizhao123 root1234 root123456
samantha scorpion secret12 secret123 server123 shadow12 shandong shanghai shanghai1 shequ123 shequ2026
starwars sunshine sunshine1 superman support1 system123 test1234 test12345 tester123 testtest thomas123
ticketing ticketing1 toor1234 trustno1 user1234 w5201314 wang1234 wangge123 wanggeyuan wangjing wangwang
welcome1 welcome123 whatever woaini12 woaini123 woaini1314 woaini520 woaini521 woainibaba woainimama woshiniba
woshishui wu123456 xiaohong xiaolong xiaoming xiaoqiang xiaoxiao yang1234 yourpassword z1234567 zaq12wsx
zhang123 zhangwei zhao1234 zhongguo zhongguo1 zxc12345 zxc123456 zxcvbnm, zxcvbnm1 zxcvbnm123
"""

COMMON_PASSWORDS = frozenset(_LISTED.split())
